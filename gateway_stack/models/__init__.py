"""Typed models shared by the gateway file and the constructs: one model per idea."""
