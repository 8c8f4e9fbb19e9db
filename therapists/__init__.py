"""The `therapists` command line, the demo, and the local mirror of sample sources."""
