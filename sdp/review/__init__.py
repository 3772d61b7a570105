"""What legislators read: the procedure as data, and aggregate results."""
