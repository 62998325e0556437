"""The Discord adapter: gateway events and slash commands in, the core's actions out.

`translate` holds the pure translation (tested against recorded payloads), `client` the
discord.py client that sends, `slash` the slash-command table, `settings` its variables.
"""
