// The Telnyx API simulator: see docs/sandbox.md.
