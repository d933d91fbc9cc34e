//go:build refdecoders

package main

import "guichet/camera/internal/refdec"

func refDecoder(name string) (decodeFunc, func(), bool) {
	switch name {
	case "zxingcpp":
		return refdec.ZXingCPP, func() {}, true
	case "zbar":
		z, err := refdec.NewZBar()
		if err != nil {
			return nil, nil, false
		}
		return z.Decode, z.Close, true
	}
	return nil, nil, false
}

func refNames() []string { return []string{"zxingcpp", "zbar"} }
