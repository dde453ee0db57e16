"""Reading person records out of tables: header detection and mapping, ID numbers, names, dates, rows.

``tables.iter_tables`` finds the person tables in a catalog, ``rows.parse_row`` turns a
data row into records whose every value names its column; ``idnumber``, ``names``,
``dates`` and ``values`` give each kind of cell its canonical form.
"""
