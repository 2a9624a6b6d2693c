package mortar.workspace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * Lets only the front door into the Spark Thrift server.
 *
 * <p>In HTTP mode the Thrift server listens on every interface (it ignores
 * hive.server2.thrift.bind.host), so authentication NONE would let anyone on the
 * network past the front door. With this CUSTOM provider a request must carry
 * Basic user:secret, where the secret (MORTAR_WS_THRIFT_PASSWORD in the
 * server's environment) is known to the front door only; the user name is the
 * one the front door authenticated, and becomes the session user.
 */
public final class SharedSecretAuthenticator implements PasswdAuthenticationProvider {
  private final byte[] expected;

  public SharedSecretAuthenticator() {
    String secret = System.getenv("MORTAR_WS_THRIFT_PASSWORD");
    expected = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    byte[] given = password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8);
    if (expected.length == 0 || user == null || user.isEmpty()
        || !MessageDigest.isEqual(expected, given)) {
      throw new AuthenticationException("Go through the workspace front door (https) with a token.");
    }
  }
}
