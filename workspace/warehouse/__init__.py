"""The stand-in's Databricks-faithful SQL warehouse.

A TCLIService (Thrift over HTTP) server that answers as a Databricks SQL warehouse
does (Spark protocol versions, direct results, Arrow batches with LZ4, CloudFetch
links, Unity Catalog catalogs and volumes, COPY INTO) and executes every statement on
the stand-in's real Spark through Spark Connect. scripts/workspace starts it as the
part `warehouse`; docs/workspace.md says what it does and where it differs from
Databricks.

Modules, from the wire inward:
    http_server      the HTTP listener behind the front door (Thrift POSTs)
    thrift_service   TCLIService calls -> sessions and operations
    sessions         a Thrift session = one Spark Connect session; the reaper
    operations       one statement's life: run, poll, cancel, close
    statements       Databricks-only statements, recognised and rewritten
    results          where a result lives: memory, a local spool, CloudFetch files
    result_format    Spark types -> TTableSchema, Arrow as the client asked, columns
    metadata         GetCatalogs/Schemas/Tables/Columns/TypeInfo/Info
    volumes          Unity Catalog volumes on the S3 stand-in; PUT/GET/REMOVE/LIST
    copy_into        COPY INTO
    storage          the root bucket: uploads and presigned links
    errors           Databricks-shaped errors
    settings         what scripts/workspace hands the process
"""
