package main

import (
	"flag"
	"io"
	"net/netip"
	"testing"
	"time"

	"guichet/sync/ratelimit"
	"guichet/sync/server"
)

func TestLimitFlags(t *testing.T) {
	parse := func(args ...string) (server.Limits, error) {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var l server.Limits
		limitFlags(fs, &l)
		return l, fs.Parse(args)
	}
	l, err := parse()
	if err != nil || l.SigninAccount != server.DefaultLimits().SigninAccount || l.PasswordChecks < 1 {
		t.Fatalf("defaults: %+v %v", l, err)
	}
	l, err = parse("--limit-ip", "off", "--limit-misses", "1/m:5", "--password-checks", "0", "--trusted-proxy", "10.0.0.1, 192.168.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	if !l.IP.Off() || l.Misses != (ratelimit.Rule{Every: time.Minute, Burst: 5}) || l.PasswordChecks != 0 ||
		len(l.TrustedProxies) != 2 || l.TrustedProxies[0] != netip.MustParsePrefix("10.0.0.1/32") {
		t.Fatalf("parsed %+v", l)
	}
	for _, bad := range [][]string{{"--limit-key", "fast"}, {"--trusted-proxy", "proxy.local"}, {"--limit-signin-ip", "5/s"}} {
		if _, err := parse(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
