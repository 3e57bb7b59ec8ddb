"""Asset checks: every asset has at least one; warnings name the reason."""
