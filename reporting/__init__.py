"""What goes upward: summary tables, stamped Excel exports, submissions, dashboards, the public list."""
