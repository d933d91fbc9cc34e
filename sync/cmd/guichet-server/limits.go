package main

import (
	"flag"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"guichet/sync/jobs"
	"guichet/sync/ratelimit"
	"guichet/sync/server"
)

// ruleFlag is a rate limit given on the command line ("10/s:20", "10/m:10", "off").
type ruleFlag struct{ r *ratelimit.Rule }

func (f ruleFlag) String() string {
	if f.r == nil {
		return ""
	}
	return f.r.String()
}

func (f ruleFlag) Set(s string) error {
	r, err := ratelimit.ParseRule(s)
	if err != nil {
		return err
	}
	*f.r = r
	return nil
}

// prefixesFlag is a comma-separated list of addresses or CIDR prefixes.
type prefixesFlag struct{ p *[]netip.Prefix }

func (f prefixesFlag) String() string {
	if f.p == nil {
		return ""
	}
	var out []string
	for _, p := range *f.p {
		out = append(out, p.String())
	}
	return strings.Join(out, ",")
}

func (f prefixesFlag) Set(s string) error {
	*f.p = nil
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fmt.Errorf("trusted proxy %q: not an address or a CIDR prefix", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		*f.p = append(*f.p, p)
	}
	return nil
}

// purgeFlags adds the scan retention flag of serve.
func purgeFlags(fs *flag.FlagSet, d *time.Duration) {
	fs.DurationVar(d, "scan-retention", jobs.DefaultScanRetention, "scan events older than this are purged daily")
}

// limitFlags adds the rate-limit flags of serve, defaulting to server.DefaultLimits.
func limitFlags(fs *flag.FlagSet, l *server.Limits) {
	*l = server.DefaultLimits()
	fs.Var(ruleFlag{&l.IP}, "limit-ip", "requests per client IP, N/UNIT:BURST or off")
	fs.Var(ruleFlag{&l.Key}, "limit-key", "requests per API key")
	fs.Var(ruleFlag{&l.SigninIP}, "limit-signin-ip", "sign-in attempts per client IP")
	fs.Var(ruleFlag{&l.SigninAccount}, "limit-signin-account", "sign-in attempts per e-mail")
	fs.Var(ruleFlag{&l.Misses}, "limit-misses", "countermark look-ups finding nothing, per API key")
	fs.IntVar(&l.PasswordChecks, "password-checks", l.PasswordChecks, "bcrypt checks running at once (0: no cap)")
	fs.DurationVar(&l.PasswordWait, "password-wait", l.PasswordWait, "how long a sign-in waits for a password-check slot before 429")
	fs.Var(prefixesFlag{&l.TrustedProxies}, "trusted-proxy", "reverse proxies (addresses or CIDR, comma-separated) whose X-Forwarded-For names the client")
}
