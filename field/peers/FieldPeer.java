// The field corpus's Java peers (JSSE), compiled by generate.py.
//   java FieldPeer server PORT CONFIG PKI LOG   an HTTPS server; a JSON line per connection
//   java FieldPeer client ADDR PORT SNI CA SCENARIO PKI   one GET; exit 0 when answered
// Server configs are servers.py's (good, expired, mtls, strict); scenarios clients.py's.
// JSSE writes no key log: with keys, tlsdoctor judges Java's connections as without.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;

public class FieldPeer {
    static KeyStore trust(String pem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = new FileInputStream(pem)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        return ks;
    }

    static SSLContext context(String p12, String caPem) throws Exception {
        KeyManager[] keys = null;
        if (p12 != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = new FileInputStream(p12)) {
                ks.load(in, "field".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, "field".toCharArray());
            keys = kmf.getKeyManagers();
        }
        TrustManager[] trusts = null;
        if (caPem != null) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust(caPem));
            trusts = tmf.getTrustManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, trusts, null);
        return ctx;
    }

    static String json(Map<String, Object> m) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (b.length() > 1) b.append(", ");
            Object v = e.getValue();
            String s = v instanceof Number ? v.toString()
                : "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ") + "\"";
            b.append('"').append(e.getKey()).append("\": ").append(s);
        }
        return b.append("}").toString();
    }

    static void server(int port, String config, String pki, String log) throws Exception {
        String name = config.equals("expired") ? "expired" : "server";
        SSLContext ctx = context(pki + "/" + name + ".p12", config.equals("mtls") ? pki + "/ca.pem" : null);
        SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress("0.0.0.0", port), 512);
        if (config.equals("mtls")) listener.setNeedClientAuth(true);
        if (config.equals("strict")) listener.setEnabledCipherSuites(new String[] {
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"});
        PrintStream out = new PrintStream(new FileOutputStream(log, true), true, "UTF-8");
        while (true) {
            SSLSocket s = (SSLSocket) listener.accept();
            new Thread(() -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("server", s.getLocalAddress().getHostAddress());
                r.put("server_port", s.getLocalPort());
                r.put("client", s.getInetAddress().getHostAddress());
                r.put("client_port", s.getPort());
                try {
                    s.setSoTimeout(3000);
                    s.startHandshake();
                    r.put("handshake", "ok");
                    r.put("version", s.getSession().getProtocol());
                    byte[] buf = new byte[4096];
                    int n = s.getInputStream().read(buf);
                    if (n > 0) {
                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                            .getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    }
                } catch (Exception e) {
                    r.putIfAbsent("handshake", "failed");
                    r.put(r.get("handshake").equals("ok") ? "after" : "error", e.toString());
                }
                try { s.close(); } catch (IOException e) { }
                synchronized (out) { out.println(json(r)); }
            }).start();
        }
    }

    static void client(String addr, int port, String sni, String ca, String scenario, String pki) throws Exception {
        if (scenario.equals("no-common-version")) Security.setProperty("jdk.tls.disabledAlgorithms", "");
        SSLContext ctx = context(scenario.equals("mtls") ? pki + "/client.p12" : null, ca);
        try {
            Socket raw = new Socket();
            raw.connect(new InetSocketAddress(addr, port), 8000);
            raw.setSoTimeout(8000);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, sni, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (scenario.equals("no-common-suite")) {
                p.setProtocols(new String[] {"TLSv1.2"});
                p.setCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA"});
            }
            if (scenario.equals("no-common-version")) p.setProtocols(new String[] {"TLSv1", "TLSv1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + sni + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            while (in.readLine() != null) { }
            s.close();
            if (status == null) throw new IOException("no answer");
            System.out.println("answer " + status + " over " + s.getSession().getProtocol());
        } catch (Exception e) {
            System.out.println("error " + e);
            System.exit(1);
        }
    }

    public static void main(String[] a) throws Exception {
        if (a.length == 5 && a[0].equals("server")) server(Integer.parseInt(a[1]), a[2], a[3], a[4]);
        else if (a.length == 7 && a[0].equals("client")) client(a[1], Integer.parseInt(a[2]), a[3], a[4], a[5], a[6]);
        else { System.err.println("usage: FieldPeer server PORT CONFIG PKI LOG | client ADDR PORT SNI CA SCENARIO PKI"); System.exit(2); }
    }
}
