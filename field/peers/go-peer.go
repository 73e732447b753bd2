// The field corpus's Go peers (crypto/tls, net/http), built by generate.py.
//
//	go-peer server PORT CONFIG PKI LOG   an HTTPS server; a JSON line per connection
//	go-peer client ADDR PORT SNI CA SCENARIO PKI KEYLOG   one GET; exit 0 when answered
//
// Server configs are servers.py's (good, expired, mtls, strict); client scenarios are
// clients.py's.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func must(err error) {
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
}

func pool(path string) *x509.CertPool {
	pem, err := os.ReadFile(path)
	must(err)
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(pem)
	return p
}

type logger struct {
	mu sync.Mutex
	f  *os.File
}

func (l *logger) write(record map[string]any) {
	line, _ := json.Marshal(record)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.f.Write(append(line, '\n'))
}

func server(port, config, pki, logPath string) {
	name := "server"
	if config == "expired" {
		name = "expired"
	}
	cert, err := tls.LoadX509KeyPair(pki+"/"+name+".pem", pki+"/"+name+".key")
	must(err)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if config == "mtls" {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		cfg.ClientCAs = pool(pki + "/ca.pem")
	}
	if config == "strict" {
		cfg.CipherSuites = []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	must(err)
	log := &logger{f: f}
	ln, err := net.Listen("tcp", "0.0.0.0:"+port)
	must(err)
	for {
		raw, err := ln.Accept()
		if err != nil {
			continue
		}
		go func(raw net.Conn) {
			defer raw.Close()
			local := raw.LocalAddr().(*net.TCPAddr)
			peer := raw.RemoteAddr().(*net.TCPAddr)
			record := map[string]any{"server": local.IP.String(), "server_port": local.Port,
				"client": peer.IP.String(), "client_port": peer.Port}
			raw.SetDeadline(time.Now().Add(3 * time.Second))
			conn := tls.Server(raw, cfg)
			if err := conn.Handshake(); err != nil {
				record["handshake"], record["error"] = "failed", err.Error()
				log.write(record)
				return
			}
			record["handshake"] = "ok"
			buf := make([]byte, 4096)
			n, err := conn.Read(buf)
			if n > 0 {
				conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"))
				conn.Close()
			} else if err != nil {
				record["after"] = err.Error()
			}
			log.write(record)
		}(raw)
	}
}

func client(addr, port, sni, ca, scenario, pki, keylog string) {
	cfg := &tls.Config{ServerName: sni, RootCAs: pool(ca)}
	if keylog != "" {
		w, err := os.OpenFile(keylog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		must(err)
		cfg.KeyLogWriter = w
	}
	switch scenario {
	case "mtls":
		cert, err := tls.LoadX509KeyPair(pki+"/client.pem", pki+"/client.key")
		must(err)
		cfg.Certificates = []tls.Certificate{cert}
	case "no-common-suite":
		cfg.MaxVersion = tls.VersionTLS12
		cfg.CipherSuites = []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}
	case "no-common-version":
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	}
	// The connection goes to this run's address whatever the URL's host name says.
	dialer := &net.Dialer{Timeout: 8 * time.Second}
	transport := &http.Transport{TLSClientConfig: cfg,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, net.JoinHostPort(addr, port))
		}}
	resp, err := (&http.Client{Transport: transport, Timeout: 8 * time.Second}).Get("https://" + net.JoinHostPort(sni, port) + "/")
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println("answer", resp.Proto, resp.Status, "over", tlsVersion(resp.TLS))
}

func tlsVersion(state *tls.ConnectionState) string {
	if state == nil {
		return "?"
	}
	return map[uint16]string{tls.VersionTLS10: "TLS 1.0", tls.VersionTLS11: "TLS 1.1",
		tls.VersionTLS12: "TLS 1.2", tls.VersionTLS13: "TLS 1.3"}[state.Version]
}

func main() {
	a := os.Args[1:]
	switch {
	case len(a) == 5 && a[0] == "server":
		server(a[1], a[2], a[3], a[4])
	case len(a) == 8 && a[0] == "client":
		client(a[1], a[2], a[3], a[4], a[5], a[6], a[7])
	default:
		fmt.Fprintln(os.Stderr, "usage: go-peer server PORT CONFIG PKI LOG | client ADDR PORT SNI CA SCENARIO PKI KEYLOG")
		os.Exit(2)
	}
}
