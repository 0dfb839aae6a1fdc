"""One function per user action. The CLI calls exactly one of these and renders the result."""
