//go:build !refdecoders

package main

// Without the refdecoders tag only the Go decoders exist.
func refDecoder(string) (decodeFunc, func(), bool) { return nil, nil, false }

func refNames() []string { return nil }
