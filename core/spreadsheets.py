"""What every CSV and Excel download shares: the BOM Excel needs to read UTF-8, a
file for csv.writer that streams, and text that a spreadsheet will not run."""

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@")


class Echo:
    """A file for csv.writer that hands back each line instead of storing it."""

    def write(self, value):
        return value


def inert(value):
    """Text a spreadsheet must not run as a formula ("=HYPERLINK(...)" in a description):
    a leading apostrophe makes it plain text."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value
