// dbsqlprobe runs databricks-sql-go (unmodified) against the stand-in's warehouse and
// prints one JSON object per check on stdout, for tests/workspace/test_warehouse_other_clients.py.
//
// Usage: dbsqlprobe CHECK [ARGS]; the connection comes from MORTAR_WS_HOST, MORTAR_WS_PORT,
// MORTAR_WS_PAT, MORTAR_WS_CA_FILE and PROBE_HTTP_PATH; PROBE_TIMEZONE, when set, is the
// session's "timezone" parameter.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	dbsql "github.com/databricks/databricks-sql-go"
	dbsqlerr "github.com/databricks/databricks-sql-go/errors"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "dbsqlprobe: "+format+"\n", args...)
	os.Exit(2)
}

func connector(extra ...dbsql.ConnOption) driver.Connector {
	pem, err := os.ReadFile(os.Getenv("MORTAR_WS_CA_FILE"))
	if err != nil {
		fail("reading the CA: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fail("no certificate in %s", os.Getenv("MORTAR_WS_CA_FILE"))
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	port, err := strconv.Atoi(os.Getenv("MORTAR_WS_PORT"))
	if err != nil {
		fail("MORTAR_WS_PORT: %v", err)
	}
	options := []dbsql.ConnOption{
		// A bare "localhost" would mean plain HTTP to the driver: name the scheme
		// (PROBE_SCHEME=http: through the tests' recording proxy).
		dbsql.WithServerHostname(scheme() + "://" + os.Getenv("MORTAR_WS_HOST")),
		dbsql.WithPort(port),
		dbsql.WithHTTPPath(os.Getenv("PROBE_HTTP_PATH")),
		dbsql.WithAccessToken(os.Getenv("MORTAR_WS_PAT")),
		// The same transport for Thrift calls and CloudFetch downloads.
		dbsql.WithTransport(transport),
	}
	if zone := os.Getenv("PROBE_TIMEZONE"); zone != "" {
		// Session parameters, which the driver sends in OpenSession's configuration.
		options = append(options, dbsql.WithSessionParams(map[string]string{"timezone": zone}))
	}
	c, err := dbsql.NewConnector(append(options, extra...)...)
	if err != nil {
		fail("NewConnector: %v", err)
	}
	return c
}

func scheme() string {
	if s := os.Getenv("PROBE_SCHEME"); s != "" {
		return s
	}
	return "https"
}

func emit(value any) {
	out, err := json.Marshal(value)
	if err != nil {
		fail("json: %v", err)
	}
	fmt.Println(string(out))
}

// describe gives a scanned value's Go type and a canonical text.
func describe(v any) map[string]any {
	switch x := v.(type) {
	case nil:
		return map[string]any{"go": "nil", "text": nil}
	case []byte:
		return map[string]any{"go": "[]byte", "text": fmt.Sprintf("%x", x)}
	case time.Time:
		return map[string]any{"go": "time.Time", "text": x.Format("2006-01-02T15:04:05.999999999Z07:00")}
	default:
		return map[string]any{"go": fmt.Sprintf("%T", v), "text": fmt.Sprint(v)}
	}
}

func rowsAsJSON(rows *sql.Rows) ([]map[string]any, []map[string]any) {
	types, err := rows.ColumnTypes()
	if err != nil {
		fail("ColumnTypes: %v", err)
	}
	var columns []map[string]any
	for _, t := range types {
		column := map[string]any{"name": t.Name(), "database_type": t.DatabaseTypeName()}
		if p, s, ok := t.DecimalSize(); ok {
			column["precision"], column["scale"] = p, s
		}
		if n, ok := t.Nullable(); ok {
			column["nullable"] = n
		}
		if t.ScanType() != nil {
			column["scan_type"] = t.ScanType().String()
		}
		columns = append(columns, column)
	}
	var out []map[string]any
	for rows.Next() {
		values := make([]any, len(types))
		pointers := make([]any, len(types))
		for i := range values {
			pointers[i] = &values[i]
		}
		if err := rows.Scan(pointers...); err != nil {
			fail("Scan: %v", err)
		}
		row := map[string]any{}
		for i, t := range types {
			row[t.Name()] = describe(values[i])
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		fail("rows: %v", err)
	}
	return columns, out
}

func errorDetails(err error) map[string]any {
	out := map[string]any{"error": err.Error()}
	var execution dbsqlerr.DBExecutionError
	if errors.As(err, &execution) {
		out["sql_state"] = execution.SqlState()
		out["query_id"] = execution.QueryId()
	}
	return out
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: dbsqlprobe CHECK [ARGS]")
	}
	ctx := context.Background()
	check, args := os.Args[1], os.Args[2:]
	switch check {
	case "query": // query SQL: column types and every row
		db := sql.OpenDB(connector())
		defer db.Close()
		rows, err := db.QueryContext(ctx, args[0])
		if err != nil {
			emit(errorDetails(err))
			return
		}
		defer rows.Close()
		columns, out := rowsAsJSON(rows)
		emit(map[string]any{"columns": columns, "rows": out})

	case "count": // count SQL [SLEEP_AFTER_ROWS SLEEP_SECONDS]: rows, checks column 1 is 0, 1, 2, ...
		sleepAfter, sleepSeconds := int64(-1), 0
		if len(args) >= 3 {
			sleepAfter, _ = strconv.ParseInt(args[1], 10, 64)
			sleepSeconds, _ = strconv.Atoi(args[2])
		}
		db := sql.OpenDB(connector())
		defer db.Close()
		started := time.Now()
		rows, err := db.QueryContext(ctx, args[0])
		if err != nil {
			emit(errorDetails(err))
			return
		}
		defer rows.Close()
		var n, outOfOrder, textBytes int64
		var id int64
		var text string
		for rows.Next() {
			if err := rows.Scan(&id, &text); err != nil {
				fail("Scan: %v", err)
			}
			if id != n {
				outOfOrder++
			}
			textBytes += int64(len(text))
			n++
			if n == sleepAfter {
				time.Sleep(time.Duration(sleepSeconds) * time.Second)
			}
		}
		result := map[string]any{"rows": n, "out_of_order": outOfOrder, "text_bytes": textBytes,
			"seconds": time.Since(started).Seconds()}
		if err := rows.Err(); err != nil {
			for k, v := range errorDetails(err) {
				result[k] = v
			}
		}
		emit(result)

	case "params": // native parameters, named and positional
		db := sql.OpenDB(connector())
		defer db.Close()
		day := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
		moment := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		rows, err := db.QueryContext(ctx,
			"SELECT :n + 1 AS n, :s AS s, :d AS d, :day AS day, :t AS t, :b AS b, ':n' AS literal",
			dbsql.Parameter{Name: "n", Value: 41},
			dbsql.Parameter{Name: "s", Value: "it's"},
			dbsql.Parameter{Name: "d", Type: dbsql.SqlDecimal, Value: "12.340"},
			dbsql.Parameter{Name: "day", Type: dbsql.SqlDate, Value: day.Format("2006-01-02")},
			dbsql.Parameter{Name: "t", Value: moment},
			dbsql.Parameter{Name: "b", Value: true})
		if err != nil {
			emit(errorDetails(err))
			return
		}
		_, named := rowsAsJSON(rows)
		rows.Close()
		rows, err = db.QueryContext(ctx, "SELECT ? AS a, ? AS b", 1, "two")
		if err != nil {
			emit(errorDetails(err))
			return
		}
		_, positional := rowsAsJSON(rows)
		rows.Close()
		emit(map[string]any{"named": named, "positional": positional})

	case "cancel": // cancel SQL SECONDS: cancels the query's context after SECONDS
		seconds, _ := strconv.ParseFloat(args[1], 64)
		db := sql.OpenDB(connector())
		defer db.Close()
		if err := db.PingContext(ctx); err != nil {
			fail("ping: %v", err)
		}
		cancelled, cancel := context.WithTimeout(ctx, time.Duration(seconds*float64(time.Second)))
		defer cancel()
		started := time.Now()
		rows, err := db.QueryContext(cancelled, args[0])
		result := map[string]any{"seconds": time.Since(started).Seconds()}
		if err != nil {
			for k, v := range errorDetails(err) {
				result[k] = v
			}
			result["context_error"] = errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
		} else {
			rows.Close()
		}
		emit(result)

	default:
		fail("unknown check %q", check)
	}
}
