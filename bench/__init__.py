"""The ticketflow benchmark: every stage measured on the same data, in one run."""
