"""The Slack adapter: Bolt's AsyncApp over Socket Mode or HTTP, Block Kit out."""
