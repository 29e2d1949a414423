-- LOCAL PLACEHOLDER, never committed: stands in for another branch's 0004 so the catalog has no gap while testing 0005.
SELECT 1;
