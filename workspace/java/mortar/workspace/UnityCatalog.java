package mortar.workspace;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.catalyst.analysis.NamespaceAlreadyExistsException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.NonEmptyNamespaceException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.NamespaceChange;
import org.apache.spark.sql.connector.catalog.StagedTable;
import org.apache.spark.sql.connector.catalog.StagingTableCatalog;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableCatalogCapability;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.TableInfo;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A second catalog shaped like a Unity Catalog catalog (catalog.schema.table)
 * for the local Databricks stand-in, next to the session catalog (spark_catalog,
 * a Hive-style metastore, which plays the workspace's hive_metastore).
 *
 * <pre>
 * spark.sql.catalog.main        mortar.workspace.UnityCatalog
 * spark.sql.catalog.main.root   /absolute/storage/root
 * </pre>
 *
 * <p>There is no metastore: the file system is the catalog. A schema is the
 * directory {@code <root>/<schema>}, a table the Delta table in
 * {@code <root>/<schema>/<table>} (a directory with a {@code _delta_log}), so
 * tables are always managed Delta tables, as they are by default in Unity
 * Catalog. Names are case-insensitive there, so they are stored and compared
 * in lower case.
 *
 * <p>Everything about a table itself (create, replace, CTAS, writes, ALTER,
 * time travel, DELETE/UPDATE/MERGE) is Delta's: this class hands Delta's own
 * catalog (the DeltaCatalog configured as spark_catalog) a path identifier,
 * {@code delta.`<table dir>`}, which it supports throughout. What a path table
 * lacks, dropping and renaming, is done here on the directory.
 *
 * <p>Spark creates one instance of a catalog per session (each Spark Connect
 * session too) and calls it from that session's threads, so nothing
 * session-bound is kept: Delta's catalog is looked up on each call.
 */
public final class UnityCatalog implements StagingTableCatalog, SupportsNamespaces {
  private static final String DEFAULT_SCHEMA = "default";
  // Kept in the schema's directory; a dot name because no table may have one.
  private static final String SCHEMA_PROPERTIES = ".schema.properties";

  private String name;
  private FileSystem fs;
  private Path root;

  // ------------------------------------------------------------ plugin

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    String configured = options.get("root");
    if (configured == null || configured.isEmpty() || !new Path(configured).isAbsolute()) {
      throw new IllegalArgumentException("spark.sql.catalog." + name
          + ".root must be set to the absolute directory that holds this catalog's schemas");
    }
    try {
      Path path = new Path(configured);
      fs = path.getFileSystem(session().sessionState().newHadoopConf());
      // Qualified (file:/...), so that Delta sees the same path on every call.
      root = fs.makeQualified(path);
      // Unity Catalog catalogs start with a `default` schema (here it comes
      // back with the next session if dropped, which nobody should mind).
      fs.mkdirs(new Path(root, DEFAULT_SCHEMA));
    } catch (IOException e) {
      throw new UncheckedIOException("catalog " + name + ": cannot use " + configured, e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String[] defaultNamespace() {
    return new String[] {DEFAULT_SCHEMA};
  }

  @Override
  public Set<TableCatalogCapability> capabilities() {
    // Whatever Delta supports (default values, generated and identity columns).
    return delta().capabilities();
  }

  // ------------------------------------------------------------ tables

  @Override
  public Identifier[] listTables(String[] namespace) throws NoSuchNamespaceException {
    String schema = existingSchema(namespace);
    List<Identifier> tables = new ArrayList<>();
    for (String table : children(new Path(root, schema))) {
      if (exists(new Path(new Path(root, schema), table))) {
        tables.add(Identifier.of(new String[] {schema}, table));
      }
    }
    return tables.toArray(new Identifier[0]);
  }

  @Override
  public boolean tableExists(Identifier ident) {
    // Cheaper than the default (loading the table), and no exception for a bad name.
    try {
      return exists(tableDir(ident));
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    return delta().loadTable(existingTable(ident));
  }

  @Override
  public Table loadTable(Identifier ident, String version) throws NoSuchTableException {
    return delta().loadTable(existingTable(ident), version);  // VERSION AS OF
  }

  @Override
  public Table loadTable(Identifier ident, long timestamp) throws NoSuchTableException {
    return delta().loadTable(existingTable(ident), timestamp);  // TIMESTAMP AS OF
  }

  @Override
  public Table createTable(Identifier ident, TableInfo info)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    Identifier path = newTable(ident);
    return delta().createTable(path, deltaInfo(info));
  }

  // Spark calls the form above; Delta's CLONE into a catalog still calls this one.
  @Override
  @SuppressWarnings("deprecation")
  public Table createTable(Identifier ident, Column[] columns, Transform[] partitions,
      Map<String, String> properties) throws TableAlreadyExistsException, NoSuchNamespaceException {
    Identifier path = newTable(ident);
    return delta().createTable(path, columns, partitions, deltaProperties(properties));
  }

  @Override
  public Table createTableLike(Identifier ident, TableInfo info, Table source)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    Identifier path = newTable(ident);
    return delta().createTableLike(path, deltaInfo(info), source);
  }

  // Atomic CREATE/REPLACE [AS SELECT]: Delta writes the new version in one commit,
  // so a replaced table keeps its history, as on Databricks.

  @Override
  public StagedTable stageCreate(Identifier ident, TableInfo info)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    Identifier path = newTable(ident);
    return delta().stageCreate(path, deltaInfo(info));
  }

  @Override
  public StagedTable stageReplace(Identifier ident, TableInfo info)
      throws NoSuchNamespaceException, NoSuchTableException {
    return delta().stageReplace(existingTable(ident), deltaInfo(info));
  }

  @Override
  public StagedTable stageCreateOrReplace(Identifier ident, TableInfo info)
      throws NoSuchNamespaceException {
    Identifier path = tableInSchema(ident);
    TableInfo checked = deltaInfo(info);
    StagedTable createOrReplace = delta().stageCreateOrReplace(path, checked);
    if (!exists(tableDir(ident))) {
      return createOrReplace;
    }
    // Delta replaces an existing table only if it is in a catalog: for a path
    // table, CREATE OR REPLACE without AS SELECT is taken as CREATE, which keeps
    // the data and fails on a new schema. REPLACE does replace it, but would
    // also be the operation recorded for AS SELECT, which Delta gets right. So
    // the choice is made at commit, when it is known whether rows were written.
    try {
      return new ReplaceOnCommit(createOrReplace, delta().stageReplace(path, checked));
    } catch (NoSuchTableException e) {
      return createOrReplace;  // dropped meanwhile: a create, which Delta gets right
    }
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) throws NoSuchTableException {
    return delta().alterTable(existingTable(ident), changes);
  }

  @Override
  public boolean dropTable(Identifier ident) {
    // Delta cannot drop a path table (it has no catalog entry to remove): the
    // table is its directory, so dropping it deletes the directory. That is a
    // purge, which is what dropping a managed table eventually does anyway.
    Path dir = tableDir(ident);
    if (!exists(dir)) {
      return false;
    }
    delete(dir);
    return true;
  }

  @Override
  public boolean purgeTable(Identifier ident) {
    return dropTable(ident);
  }

  @Override
  public void renameTable(Identifier from, Identifier to)
      throws NoSuchTableException, TableAlreadyExistsException {
    Path source = tableDir(from);
    if (!exists(source)) {
      throw new NoSuchTableException(from);
    }
    // Spark passes the new name as written: `t9`, `s.t9` or `main.s.t9`. A bare
    // name stays in the table's schema; a catalog part must name this catalog.
    String[] ns = to.namespace();
    if (ns.length == 2 && ns[0].equalsIgnoreCase(name)) {
      ns = new String[] {ns[1]};
    } else if (ns.length == 0) {
      ns = new String[] {lower(from.namespace()[0])};
    }
    Identifier target = Identifier.of(ns, to.name());
    if (ns.length != 1) {
      throw unsupported("renaming a table out of catalog " + name + " (to "
          + String.join(".", to.namespace()) + "." + to.name() + ")");
    }
    Path dest = tableDir(target);
    try {
      if (!isDirectory(dest.getParent())) {
        throw new IllegalArgumentException("schema " + name + "." + lower(ns[0]) + " not found");
      }
      if (fs.exists(dest)) {
        throw new TableAlreadyExistsException(target);
      }
      // A Delta log holds paths relative to the table, so the directory can move.
      if (!fs.rename(source, dest)) {
        throw new IOException("cannot move " + source + " to " + dest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    forgetDeltaLog(source);
    forgetDeltaLog(dest);
  }

  // ------------------------------------------------------------ schemas

  @Override
  public String[][] listNamespaces() {
    return children(root).stream().map(s -> new String[] {s}).toArray(String[][]::new);
  }

  @Override
  public String[][] listNamespaces(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length == 0) {
      return listNamespaces();
    }
    existingSchema(namespace);
    return new String[0][];  // schemas hold no schemas
  }

  @Override
  public boolean namespaceExists(String[] namespace) {
    return namespace.length == 1 && isDirectory(new Path(root, lower(namespace[0])));
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(String[] namespace)
      throws NoSuchNamespaceException {
    String schema = existingSchema(namespace);
    Map<String, String> metadata = new HashMap<>();
    readSchemaProperties(schema).forEach((k, v) -> metadata.put((String) k, (String) v));
    metadata.put(SupportsNamespaces.PROP_LOCATION, new Path(root, schema).toString());
    return metadata;
  }

  @Override
  public void createNamespace(String[] namespace, Map<String, String> metadata)
      throws NamespaceAlreadyExistsException {
    String schema = schemaName(namespace);
    if (metadata.containsKey(SupportsNamespaces.PROP_LOCATION)) {
      throw unsupported("MANAGED LOCATION / LOCATION for a schema (its directory is "
          + new Path(root, schema) + ")");
    }
    Path dir = new Path(root, schema);
    try {
      if (fs.exists(dir)) {
        throw new NamespaceAlreadyExistsException(new String[] {schema});
      }
      fs.mkdirs(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties props = new Properties();
    props.putAll(metadata);
    writeSchemaProperties(schema, props);
  }

  @Override
  public void alterNamespace(String[] namespace, NamespaceChange... changes)
      throws NoSuchNamespaceException {
    String schema = existingSchema(namespace);
    Properties props = readSchemaProperties(schema);
    for (NamespaceChange change : changes) {
      if (change instanceof NamespaceChange.SetProperty) {
        NamespaceChange.SetProperty set = (NamespaceChange.SetProperty) change;
        if (set.property().equals(SupportsNamespaces.PROP_LOCATION)) {
          throw unsupported("moving a schema (SET LOCATION)");
        }
        props.setProperty(set.property(), set.value());
      } else if (change instanceof NamespaceChange.RemoveProperty) {
        props.remove(((NamespaceChange.RemoveProperty) change).property());
      }
    }
    writeSchemaProperties(schema, props);
  }

  @Override
  public boolean dropNamespace(String[] namespace, boolean cascade)
      throws NoSuchNamespaceException, NonEmptyNamespaceException {
    String schema = existingSchema(namespace);
    Identifier[] tables = listTables(namespace);
    if (tables.length > 0 && !cascade) {
      throw new NonEmptyNamespaceException(new String[] {schema});
    }
    for (Identifier table : tables) {
      forgetDeltaLog(tableDir(table));
    }
    delete(new Path(root, schema));
    return true;
  }

  // ------------------------------------------------------------ helpers

  /** This session's Delta catalog, the one Spark uses for spark_catalog. */
  private static StagingTableCatalog delta() {
    CatalogPlugin session = session().sessionState().catalogManager().v2SessionCatalog();
    if (!(session instanceof StagingTableCatalog)) {
      throw new IllegalStateException("mortar.workspace.UnityCatalog needs Delta's catalog as "
          + "spark_catalog: spark.sql.catalog.spark_catalog="
          + "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    }
    return (StagingTableCatalog) session;
  }

  private static SparkSession session() {
    // The session Spark is resolving or running a statement for; on the server
    // side of Spark Connect this is the classic session behind the client's.
    // Where no session is active (some catalog API calls), Spark answers with
    // its default session, whose Delta catalog does as well: path tables do
    // not depend on the session.
    return SparkSession.active();
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(
        what + " is not supported by the local Unity Catalog stand-in");
  }

  private static String lower(String part) {
    return part.toLowerCase(Locale.ROOT);
  }

  /** A schema or table name as a directory name: lower case, one path segment. */
  private static String segment(String part) {
    String n = lower(part);
    // `.` names are refused because they are hidden (and the schema properties
    // file has one); `/` and `\` would leave the directory, `:` breaks Hadoop paths.
    if (n.isEmpty() || n.startsWith(".")
        || n.contains("/") || n.contains("\\") || n.contains(":")) {
      throw unsupported("the name `" + part + "`");
    }
    return n;
  }

  private String schemaName(String[] namespace) {
    if (namespace.length != 1) {
      throw unsupported(namespace.length == 0 ? "a table without a schema"
          : "the nested schema " + String.join(".", namespace)
            + " (a catalog holds schemas, a schema holds tables)");
    }
    return segment(namespace[0]);
  }

  private String existingSchema(String[] namespace) throws NoSuchNamespaceException {
    if (!namespaceExists(namespace)) {
      throw new NoSuchNamespaceException(namespace);
    }
    return schemaName(namespace);
  }

  private Path tableDir(Identifier ident) {
    return new Path(new Path(root, schemaName(ident.namespace())), segment(ident.name()));
  }

  /** Delta's name for the table in dir: a path identifier. */
  private static Identifier byPath(Path dir) {
    return Identifier.of(new String[] {"delta"}, dir.toString());
  }

  private Identifier existingTable(Identifier ident) throws NoSuchTableException {
    Path dir = tableDir(ident);
    if (!exists(dir)) {
      throw new NoSuchTableException(ident);
    }
    return byPath(dir);
  }

  /** A table that may or may not exist yet, in a schema that must. */
  private Identifier tableInSchema(Identifier ident) throws NoSuchNamespaceException {
    existingSchema(ident.namespace());
    return byPath(tableDir(ident));
  }

  private Identifier newTable(Identifier ident)
      throws TableAlreadyExistsException, NoSuchNamespaceException {
    Identifier path = tableInSchema(ident);
    if (exists(tableDir(ident))) {
      throw new TableAlreadyExistsException(ident);
    }
    return path;
  }

  /**
   * The table properties Spark passes, checked and made Delta's: tables here are
   * managed Delta tables, so a location or another format is refused rather
   * than silently ignored; no USING means Delta, as on Databricks.
   */
  private Map<String, String> deltaProperties(Map<String, String> properties) {
    if (properties.containsKey(TableCatalog.PROP_LOCATION)) {
      throw unsupported("LOCATION (external tables; tables in catalog " + name + " are managed)");
    }
    if (Boolean.parseBoolean(properties.get(TableCatalog.PROP_EXTERNAL))) {
      throw unsupported("CREATE EXTERNAL TABLE");
    }
    String provider = properties.get(TableCatalog.PROP_PROVIDER);
    if (provider != null && !provider.equalsIgnoreCase("delta")) {
      throw unsupported("USING " + provider + " (tables in catalog " + name + " are Delta tables)");
    }
    Map<String, String> checked = new HashMap<>(properties);
    checked.put(TableCatalog.PROP_PROVIDER, "delta");
    return checked;
  }

  private TableInfo deltaInfo(TableInfo info) {
    return new TableInfo.Builder()
        .withColumns(info.columns())
        .withPartitions(info.partitions())
        .withConstraints(info.constraints())
        .withProperties(deltaProperties(info.properties()))
        .build();
  }

  /** Whether dir is a Delta table (it has a log). */
  private boolean exists(Path dir) {
    return isDirectory(new Path(dir, "_delta_log"));
  }

  private boolean isDirectory(Path dir) {
    try {
      return fs.getFileStatus(dir).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sorted names of the (non-hidden) directories in dir. */
  private List<String> children(Path dir) {
    try {
      List<String> names = new ArrayList<>();
      for (FileStatus child : fs.listStatus(dir)) {
        String n = child.getPath().getName();
        if (child.isDirectory() && !n.startsWith(".")) {
          names.add(n);
        }
      }
      // On Azure's Blob API (no hierarchical namespace) a folder lists twice: its marker
      // blob and the prefix of what lies under it.
      return names.stream().distinct().sorted().collect(java.util.stream.Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void delete(Path dir) {
    try {
      fs.delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    forgetDeltaLog(dir);
  }

  /**
   * Delta caches each table's log by path; after the directory is gone or moved,
   * a table created later at that path must not see the old one's cached state.
   */
  private static void forgetDeltaLog(Path dir) {
    DeltaLog.invalidateCache(session(), dir);
  }

  private Properties readSchemaProperties(String schema) {
    Properties props = new Properties();
    Path file = new Path(new Path(root, schema), SCHEMA_PROPERTIES);
    try {
      if (fs.exists(file)) {
        try (InputStream in = fs.open(file)) {
          props.load(in);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return props;
  }

  private void writeSchemaProperties(String schema, Properties props) {
    Path file = new Path(new Path(root, schema), SCHEMA_PROPERTIES);
    try (OutputStream out = fs.create(file, true)) {
      props.store(out, "schema " + schema + " of catalog " + name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * CREATE OR REPLACE of an existing table: Delta's CREATE OR REPLACE if Spark
   * writes rows into it (AS SELECT, saveAsTable, writeTo), its REPLACE if not.
   */
  private static final class ReplaceOnCommit implements StagedTable, SupportsWrite {
    private final StagedTable createOrReplace;
    private final StagedTable replace;
    private boolean written;

    ReplaceOnCommit(StagedTable createOrReplace, StagedTable replace) {
      this.createOrReplace = createOrReplace;
      this.replace = replace;
    }

    private StagedTable chosen() {
      return written ? createOrReplace : replace;
    }

    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
      written = true;
      return ((SupportsWrite) createOrReplace).newWriteBuilder(info);
    }

    @Override
    public void commitStagedChanges() {
      chosen().commitStagedChanges();
    }

    @Override
    public void abortStagedChanges() {
      chosen().abortStagedChanges();
    }

    @Override
    public CustomTaskMetric[] reportDriverMetrics() {
      return chosen().reportDriverMetrics();
    }

    @Override
    public String name() {
      return createOrReplace.name();
    }

    @Override
    @SuppressWarnings("deprecation")
    public StructType schema() {
      return createOrReplace.schema();
    }

    @Override
    public Column[] columns() {
      return createOrReplace.columns();
    }

    @Override
    public Transform[] partitioning() {
      return createOrReplace.partitioning();
    }

    @Override
    public Map<String, String> properties() {
      return createOrReplace.properties();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return createOrReplace.capabilities();
    }
  }
}
