"""The dashboard: published measures by country, evidence level, prevention level and target
group, as accessible server-rendered SVG with the same numbers in tables."""
