package icpmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;

/**
 * A Neo4j 5 Community server for icpmap's tests and benchmarks: the embedded database
 * management service with its Bolt connector on loopback and authentication on.
 *
 * <pre>java -Xmx2g -cp ... icpmap.Neo4jServer HOME PORT PASSWORD_FILE CONFIG_FILE</pre>
 *
 * HOME holds the data and logs; the password of the user neo4j is read from
 * PASSWORD_FILE and set (no change required) when the server starts; CONFIG_FILE is a
 * neo4j.conf-style file of further settings. Loopback, authentication and the Bolt
 * port are set after it, so no config file can open the server to the network.
 * Prints "icpmap-neo4j ready" once Bolt serves; stops cleanly on SIGTERM. With
 * ICPMAP_NEO4J_OWNER_PID set (CI sets it to its own shell), it also stops when that process
 * ends, however it ends: a CI run killed with SIGKILL leaves no server behind.
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Neo4jServer HOME PORT PASSWORD_FILE CONFIG_FILE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
        Path config = Path.of(args[3]);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (Files.exists(config)) {
            builder.loadPropertiesFromFile(config);
        }
        Map<org.neo4j.graphdb.config.Setting<?>, Object> fixed = new HashMap<>();
        fixed.put(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"));
        fixed.put(BoltConnector.enabled, true);
        fixed.put(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port));
        fixed.put(HttpConnector.enabled, false);
        fixed.put(HttpsConnector.enabled, false);
        fixed.put(GraphDatabaseSettings.auth_enabled, true);
        builder.setConfig(fixed);

        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "icpmap-neo4j-shutdown"));

        watchOwner(System.getenv("ICPMAP_NEO4J_OWNER_PID"));
        setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
        // The default database must answer before we say we are ready.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("icpmap-neo4j ready on bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }

    /** Stop (through the shutdown hook) when the process `owner` ends; nothing when unset. */
    private static void watchOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            return;
        }
        long pid = Long.parseLong(owner.strip());
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            System.err.println("icpmap-neo4j: owner process " + pid + " is gone; stopping");
            System.exit(0);
        }
        handle.get().onExit().thenRun(() -> {
            System.err.println("icpmap-neo4j: owner process " + pid + " ended; stopping");
            System.exit(0);
        });
    }

    /** Give the built-in user `neo4j` the password, with no change required at first login. */
    private static void setPassword(GraphDatabaseService system, String password) throws IOException {
        boolean changeRequired;
        try (Transaction tx = system.beginTx()) {
            var result = tx.execute("SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' "
                    + "RETURN passwordChangeRequired");
            changeRequired = !result.hasNext() || (Boolean) result.next().get("passwordChangeRequired");
            tx.commit();
        }
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException e) {
            // Setting the same password again is refused ("Old password and new password cannot be
            // the same"): that is a restart with the same password file, which is fine.
            if (changeRequired || !String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }
}
