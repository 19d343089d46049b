// A pass-through KMS v2 plugin, the Go baseline for `bun run bench`: it logs in once (or takes a
// token file), answers Status from memory, and sends each Encrypt and Decrypt straight to
// OpenBao Transit. No validation, no registry, no AAD: the least a plugin can do per call.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	_ "kmsbench/codec"
	kms "kmsbench/kmsv2"
)

type plugin struct {
	kms.UnimplementedKeyManagementServiceServer
	client *http.Client
	base   string
	token  string
	mount  string
	key    string
	keyID  string
}

func (p *plugin) call(ctx context.Context, method, path string, in, out interface{}) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+"/v1/"+path, body)
	if err != nil {
		return err
	}
	if p.token != "" {
		req.Header.Set("X-Vault-Token", p.token)
	}
	res, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("openbao %s: HTTP %d", path, res.StatusCode)
	}
	return json.Unmarshal(data, out)
}

func (p *plugin) Status(ctx context.Context, _ *kms.StatusRequest) (*kms.StatusResponse, error) {
	return &kms.StatusResponse{Version: "v2", Healthz: "ok", KeyId: p.keyID}, nil
}

func (p *plugin) Encrypt(ctx context.Context, r *kms.EncryptRequest) (*kms.EncryptResponse, error) {
	var out struct {
		Data struct {
			Ciphertext string `json:"ciphertext"`
		} `json:"data"`
	}
	in := map[string]string{"plaintext": base64.StdEncoding.EncodeToString(r.Plaintext)}
	if err := p.call(ctx, "POST", p.mount+"/encrypt/"+p.key, in, &out); err != nil {
		return nil, err
	}
	return &kms.EncryptResponse{Ciphertext: []byte(out.Data.Ciphertext), KeyId: p.keyID}, nil
}

func (p *plugin) Decrypt(ctx context.Context, r *kms.DecryptRequest) (*kms.DecryptResponse, error) {
	var out struct {
		Data struct {
			Plaintext string `json:"plaintext"`
		} `json:"data"`
	}
	in := map[string]string{"ciphertext": string(r.Ciphertext)}
	if err := p.call(ctx, "POST", p.mount+"/decrypt/"+p.key, in, &out); err != nil {
		return nil, err
	}
	plain, err := base64.StdEncoding.DecodeString(out.Data.Plaintext)
	if err != nil {
		return nil, err
	}
	return &kms.DecryptResponse{Plaintext: plain}, nil
}

func main() {
	socket := flag.String("socket", "", "unix socket to serve KMS v2 on")
	addr := flag.String("addr", "", "OpenBao base URL, https://host:port")
	caFile := flag.String("ca-file", "", "PEM CA bundle for OpenBao")
	serverName := flag.String("server-name", "", "TLS name OpenBao's certificate carries")
	tokenFile := flag.String("token-file", "", "file holding an OpenBao token")
	roleID := flag.String("role-id", "", "AppRole role_id (login once at start, instead of -token-file)")
	secretID := flag.String("secret-id", "", "AppRole secret_id")
	approleMount := flag.String("approle-mount", "auth/approle", "AppRole mount")
	mount := flag.String("mount", "transit", "Transit mount")
	key := flag.String("key", "kubernetes", "Transit key")
	flag.Parse()
	if *socket == "" || *addr == "" || *caFile == "" {
		log.Fatal("-socket, -addr and -ca-file are required")
	}
	pem, err := os.ReadFile(*caFile)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		log.Fatal("no certificates in -ca-file")
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: *serverName, MinVersion: tls.VersionTLS12},
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	p := &plugin{client: &http.Client{Transport: transport, Timeout: 3 * time.Second}, base: strings.TrimRight(*addr, "/"), mount: *mount, key: *key}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch {
	case *tokenFile != "":
		t, err := os.ReadFile(*tokenFile)
		if err != nil {
			log.Fatal(err)
		}
		p.token = strings.TrimSpace(string(t))
	case *roleID != "":
		var out struct {
			Auth struct {
				ClientToken string `json:"client_token"`
			} `json:"auth"`
		}
		if err := p.call(ctx, "POST", *approleMount+"/login", map[string]string{"role_id": *roleID, "secret_id": *secretID}, &out); err != nil {
			log.Fatal(err)
		}
		p.token = out.Auth.ClientToken
	default:
		log.Fatal("-token-file or -role-id is required")
	}
	var meta struct {
		Data struct {
			LatestVersion int `json:"latest_version"`
		} `json:"data"`
	}
	if err := p.call(ctx, "GET", *mount+"/keys/"+*key, nil, &meta); err != nil {
		log.Fatal(err)
	}
	p.keyID = *key + ":v" + strconv.Itoa(meta.Data.LatestVersion)

	if err := os.Remove(*socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		log.Fatal(err)
	}
	lis, err := net.Listen("unix", *socket)
	if err != nil {
		log.Fatal(err)
	}
	srv := grpc.NewServer()
	kms.RegisterKeyManagementServiceServer(srv, p)
	fmt.Println("ready")
	if err := srv.Serve(lis); err != nil {
		log.Fatal(err)
	}
}
