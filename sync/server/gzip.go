package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Sync routes compress their answers for clients that accept gzip and read gzip-compressed
// bodies (Content-Encoding: gzip), so that a counter on a thin link pulls and pushes a fraction
// of the bytes (docs/sync.md). A compressed body is capped after decompression like any other.

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed); return w }}

// gzipResponse compresses what a handler writes.
type gzipResponse struct {
	http.ResponseWriter
	gz      *gzip.Writer
	started bool
}

func (g *gzipResponse) WriteHeader(code int) {
	if !g.started {
		g.started = true
		h := g.Header()
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipResponse) Write(b []byte) (int, error) {
	if !g.started {
		g.WriteHeader(http.StatusOK)
	}
	return g.gz.Write(b)
}

// close flushes the compressed stream (nothing when nothing was written).
func (g *gzipResponse) close() {
	if g.started {
		_ = g.gz.Close()
	}
	gzipWriters.Put(g.gz)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if enc, _, _ := strings.Cut(strings.TrimSpace(part), ";"); enc == "gzip" {
			return true
		}
	}
	return false
}

// gzipBody is a request body read through gzip, closing the compressed stream too.
type gzipBody struct {
	*gzip.Reader
	raw io.Closer
}

func (b gzipBody) Close() error { _ = b.Reader.Close(); return b.raw.Close() }
