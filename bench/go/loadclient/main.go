// A KMS v2 load client that calls like kube-apiserver: grpc-go, one connection over a unix
// socket (a context dialer, insecure credentials), many concurrent streams on it, a deadline per
// call. Prints one JSON line: calls, errors, seconds, rate and latency percentiles. With
// -op transit it calls OpenBao Transit's decrypt directly over HTTPS instead (the baseline that
// "overhead" is measured against), with an associated_data of -aad-bytes bytes.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"

	_ "kmsbench/codec"
	kms "kmsbench/kmsv2"
)

type result struct {
	Op          string  `json:"op"`
	Concurrency int     `json:"concurrency"`
	Calls       int     `json:"calls"`
	Errors      int64   `json:"errors"`
	Seconds     float64 `json:"seconds"`
	Rate        float64 `json:"rate"`
	P50Ms       float64 `json:"p50_ms"`
	P90Ms       float64 `json:"p90_ms"`
	P99Ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	FirstError  string  `json:"first_error,omitempty"`
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return float64(sorted[i]) / float64(time.Millisecond)
}

func main() {
	socket := flag.String("socket", "", "KMS v2 unix socket")
	op := flag.String("op", "decrypt", "status, encrypt or decrypt")
	concurrency := flag.Int("concurrency", 16, "calls in flight at once")
	total := flag.Int("total", 1000, "calls in all (after the warm-up)")
	warmup := flag.Int("warmup", 100, "calls before measuring")
	deadline := flag.Duration("deadline", 3*time.Second, "deadline of each call (kube-apiserver: 3s)")
	addr := flag.String("addr", "", "-op transit: OpenBao base URL")
	caFile := flag.String("ca-file", "", "-op transit: PEM CA bundle")
	serverName := flag.String("server-name", "", "-op transit: TLS name")
	tokenFile := flag.String("token-file", "", "-op transit: file holding an OpenBao token")
	aadBytes := flag.Int("aad-bytes", 0, "-op transit: associated_data size (the provider's canonical AAD is ~400 bytes)")
	flag.Parse()
	if *concurrency < 1 || *total < 1 {
		log.Fatal("-concurrency >= 1 and -total >= 1 are required")
	}
	if *op == "transit" {
		report(direct(*addr, *caFile, *serverName, *tokenFile, *aadBytes, *deadline), *op, *concurrency, *total, *warmup)
		return
	}
	if *socket == "" {
		log.Fatal("-socket is required")
	}
	dialer := func(ctx context.Context, addr string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	conn, err := grpc.DialContext(ctx, *socket, grpc.WithInsecure(), grpc.WithContextDialer(dialer), grpc.WithBlock(), grpc.WithAuthority("localhost"))
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client := kms.NewKeyManagementServiceClient(conn)

	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		log.Fatal(err)
	}
	var sealed *kms.EncryptResponse
	if *op == "decrypt" {
		c, cancel := context.WithTimeout(context.Background(), *deadline)
		sealed, err = client.Encrypt(c, &kms.EncryptRequest{Plaintext: seed, Uid: "bench"})
		cancel()
		if err != nil {
			log.Fatal(err)
		}
	}
	one := func() error {
		c, cancel := context.WithTimeout(context.Background(), *deadline)
		defer cancel()
		var err error
		switch *op {
		case "status":
			_, err = client.Status(c, &kms.StatusRequest{})
		case "encrypt":
			_, err = client.Encrypt(c, &kms.EncryptRequest{Plaintext: seed, Uid: "bench"})
		case "decrypt":
			_, err = client.Decrypt(c, &kms.DecryptRequest{Ciphertext: sealed.Ciphertext, KeyId: sealed.KeyId, Annotations: sealed.Annotations, Uid: "bench"})
		default:
			log.Fatalf("unknown -op %q", *op)
		}
		return err
	}
	report(one, *op, *concurrency, *total, *warmup)
}

// report runs `one` -warmup times, then -total times with -concurrency workers, and prints the JSON line.
func report(one func() error, op string, concurrency, total, warmup int) {
	run := func(n int) ([]time.Duration, int64, string, time.Duration) {
		lat := make([]time.Duration, n)
		var next, errors int64
		var firstErr atomic.Value
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < concurrency; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := atomic.AddInt64(&next, 1) - 1
					if i >= int64(n) {
						return
					}
					t := time.Now()
					if err := one(); err != nil {
						atomic.AddInt64(&errors, 1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
					lat[i] = time.Since(t)
				}
			}()
		}
		wg.Wait()
		msg, _ := firstErr.Load().(string)
		return lat, errors, msg, time.Since(start)
	}
	if warmup > 0 {
		run(warmup)
	}
	lat, errs, msg, took := run(total)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	out := result{
		Op: op, Concurrency: concurrency, Calls: total, Errors: errs, Seconds: took.Seconds(),
		Rate: float64(total) / took.Seconds(), P50Ms: percentile(lat, 50), P90Ms: percentile(lat, 90),
		P99Ms: percentile(lat, 99), MaxMs: percentile(lat, 100), FirstError: msg,
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		log.Fatal(err)
	}
}

// direct returns one Transit decrypt over HTTPS, of a ciphertext it encrypts first.
func direct(addr, caFile, serverName, tokenFile string, aadBytes int, deadline time.Duration) func() error {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		log.Fatal("no certificates in -ca-file")
	}
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		log.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))
	client := &http.Client{Timeout: deadline, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: serverName}, MaxIdleConnsPerHost: 128, ForceAttemptHTTP2: true,
	}}
	aad := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("a"), aadBytes))
	post := func(path string, in map[string]string) (map[string]interface{}, error) {
		if aadBytes > 0 {
			in["associated_data"] = aad
		}
		b, _ := json.Marshal(in)
		req, _ := http.NewRequest("POST", strings.TrimRight(addr, "/")+"/v1/"+path, bytes.NewReader(b))
		req.Header.Set("X-Vault-Token", token)
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("HTTP %d", res.StatusCode)
		}
		var out struct {
			Data map[string]interface{} `json:"data"`
		}
		return out.Data, json.Unmarshal(data, &out)
	}
	sealed, err := post("transit/encrypt/kubernetes", map[string]string{"plaintext": base64.StdEncoding.EncodeToString(make([]byte, 32))})
	if err != nil {
		log.Fatal(err)
	}
	ciphertext, _ := sealed["ciphertext"].(string)
	return func() error {
		_, err := post("transit/decrypt/kubernetes", map[string]string{"ciphertext": ciphertext})
		return err
	}
}
