"""The curated argument map: claims, stances, verbatim quotes and counter links."""
