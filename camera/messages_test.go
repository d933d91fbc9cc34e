package camera

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// TestUserMessages_translated: every message the camera panel can show, on every platform, is in
// both translation files of the app (the UI translates it at display time), so an English system
// never shows a French camera message.
func TestUserMessages_translated(t *testing.T) {
	msgs := []string{windowsPermissionMessage, linuxPermissionMessage, unsupportedMessage,
		"Caméra indisponible sur cette plate-forme : saisissez la contremarque.",
		"Caméra indisponible : Windows N sans Media Feature Pack. Installez-le (Paramètres > Applications > Fonctionnalités facultatives) ou saisissez la contremarque."}
	for _, err := range []error{ErrNoCamera, ErrCameraBusy, ErrPermission, ErrUnsupported, ErrDisconnected, errors.New("other")} {
		msgs = append(msgs, UserMessage(err))
	}
	for _, lang := range []string{"fr", "en"} {
		b, err := os.ReadFile("../assets/translations/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, msg := range msgs {
			if m[msg] == "" {
				t.Errorf("%s.json lacks the camera message %q", lang, msg)
			}
		}
	}
}
