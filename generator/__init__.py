"""Synthetic Freshdesk ticket-activity exports."""
