// Package assets holds the files embedded in the counter app: its icon and the translations of
// its interface (French is the source language; en.json translates it for English systems).
package assets

import "embed"

// Translations is the folder "translations" of go-i18n JSON files, for fyne's lang package.
//
//go:embed translations
var Translations embed.FS

// Icon is the app's icon (PNG).
//
//go:embed icon.png
var Icon []byte
