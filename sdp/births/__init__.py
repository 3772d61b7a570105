"""Birth registration of children born in Peru (ius soli) and its registry record."""
