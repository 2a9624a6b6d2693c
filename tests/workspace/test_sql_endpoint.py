"""The SQL warehouse path: TLS front door -> Spark Thrift server (HTTP mode), Delta tables."""
import base64
import uuid

from conftest import bearer, http_json


def test_select_with_personal_access_token(ws, thrift):
    rows = thrift.query(bearer(ws["pat"]), "SELECT 1 + 1 AS two, current_user() AS who")
    assert rows == [(2, ws["user"])]


def test_pat_as_basic_token_credential(ws, thrift):
    basic = "Basic " + base64.b64encode(f"token:{ws['pat2']}".encode()).decode()
    assert thrift.query(basic, "SELECT current_user()") == [(ws["user2"],)]


def test_create_table_is_delta(ws, thrift):
    name = f"smoke_{uuid.uuid4().hex[:8]}"
    auth = bearer(ws["pat"])
    thrift.query(auth, f"CREATE TABLE {name} (id BIGINT, label STRING)")
    thrift.query(auth, f"INSERT INTO {name} VALUES (1, 'one'), (2, 'two')")
    assert thrift.query(auth, f"SELECT id, label FROM {name} ORDER BY id") == [(1, "one"), (2, "two")]
    detail = thrift.query(auth, f"DESCRIBE DETAIL {name}")
    assert detail[0][0] == "delta"
    thrift.query(auth, f"DROP TABLE {name}")


def test_cluster_path_reaches_the_same_spark(ws, thrift):
    assert thrift.query(bearer(ws["pat"]), "SELECT 42", http_path=ws["cluster_http_path"]) == [(42,)]


def test_bad_tokens_are_refused_with_401(ws, thrift):
    assert thrift.refused_status(bearer("not-a-token")) == 401
    assert thrift.refused_status(bearer("dapi" + "0" * 32)) == 401
    assert thrift.refused_status("Basic " + base64.b64encode(b"alice:whatever").decode()) == 401
    assert thrift.refused_status("") == 401
    for name in ("constructor", "__proto__", "toString"):  # not PATs, whatever JavaScript says
        assert thrift.refused_status(bearer(name)) == 401


def test_refusal_body_says_why(ws, tls):
    url = f"https://{ws['host']}:{ws['port']}{ws['http_path']}"
    status, body = http_json(url, tls, data={}, headers={"Authorization": "Bearer nope"})
    assert status == 401
    assert body["error_code"] == "UNAUTHENTICATED" and "Invalid access token" in body["message"]


def test_unknown_warehouse_is_404(ws, tls):
    url = f"https://{ws['host']}:{ws['port']}/sql/1.0/warehouses/doesnotexist"
    status, body = http_json(url, tls, data={}, headers={"Authorization": bearer(ws["pat"])})
    assert status == 404 and body["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_thrift_port_refuses_requests_that_skip_the_front_door(ws):
    # HTTP mode binds every interface, so the Thrift server checks the front door's secret.
    import urllib.error
    import urllib.request
    request = urllib.request.Request(
        f"http://127.0.0.1:{ws['thrift_port']}{ws['http_path']}", data=b"", method="POST",
        headers={"Content-Type": "application/x-thrift",
                 "Authorization": "Basic " + base64.b64encode(f"{ws['user']}:guess".encode()).decode()})
    try:
        urllib.request.urlopen(request, timeout=10)
        status = 200
    except urllib.error.HTTPError as e:
        status = e.code
    assert status == 401


def test_hive_jdbc_beeline_with_a_pat(ws, tmp_path):
    """Hive JDBC (beeline, shipped in pyspark) over TLS, PAT as Basic token:<PAT> like Databricks JDBC."""
    import glob
    import os
    import subprocess
    spark_home = glob.glob(os.path.join(os.path.dirname(os.path.dirname(ws["python"])),
                                        "lib", "python*", "site-packages", "pyspark"))[0]
    truststore = tmp_path / "truststore.p12"
    subprocess.run(["keytool", "-importcert", "-noprompt", "-alias", "mortar-workspace-ca",
                    "-file", ws["ca_file"], "-keystore", str(truststore), "-storetype", "PKCS12",
                    "-storepass", "truststore"], check=True, stdout=subprocess.DEVNULL)
    password_file = tmp_path / "pat"
    password_file.write_text(ws["pat"])
    password_file.chmod(0o600)
    url = (f"jdbc:hive2://{ws['host']}:{ws['port']}/default;transportMode=http;"
           f"httpPath={ws['http_path']};ssl=true;sslTrustStore={truststore};trustStorePassword=truststore")
    result = subprocess.run(
        [os.path.join(spark_home, "bin", "beeline"), "-u", url, "-n", "token", "-w", str(password_file),
         "--silent=true", "--outputformat=csv2", "-e", "SELECT current_user() AS who, 6 * 7 AS answer"],
        env={**os.environ, "SPARK_HOME": spark_home}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert f"{ws['user']},42" in result.stdout, result.stdout
