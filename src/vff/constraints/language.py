"""Placeholder: constraint types of this family are added here."""
