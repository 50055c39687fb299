import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Properties;

/**
 * A Java service as the TLS tests run it: pgjdbc (Debian's libpostgresql-jdbc-java) given the JDBC URL in the
 * environment variable named by the first argument, and the user and password apart (as a DataSource takes them),
 * from the variables named by the second and third. Prints ssl|user|database from pg_stat_ssl.
 */
public class TlsCheck {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", System.getenv(args[1]));
    props.setProperty("password", System.getenv(args[2]));
    try (Connection c = DriverManager.getConnection(System.getenv(args[0]), props);
         ResultSet r = c.createStatement().executeQuery(
             "SELECT ssl, current_user, current_database() FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      r.next();
      System.out.println(r.getBoolean(1) + "|" + r.getString(2) + "|" + r.getString(3));
    }
  }
}
