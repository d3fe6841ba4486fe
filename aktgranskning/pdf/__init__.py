"""PDF reports (reportlab), with the fonts embedded so å ä ö print everywhere."""
