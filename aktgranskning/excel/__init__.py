"""Reading and writing spreadsheets (xlsx via openpyxl, csv)."""
