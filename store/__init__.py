"""DuckDB storage: schema, connections, and every SQL statement the app runs."""
