"""Mail: compose each message kind once, send each once per recipient, and its public views."""
