package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"guichet/app"
)

// scannerTest is the Réglages field where the cashier scans any pass Culture QR code: it says
// which keyboard layout the USB scanner types with and how to set it right.
type scannerTest struct {
	entry   *widget.Entry
	result  *widget.Label
	content fyne.CanvasObject
}

func newScannerTest() *scannerTest {
	t := &scannerTest{entry: widget.NewEntry(), result: widget.NewLabel("")}
	t.entry.SetPlaceHolder(lang.L("Cliquez ici puis scannez le QR code d'une réservation pass Culture"))
	t.result.Wrapping = fyne.TextWrapWord
	t.entry.OnSubmitted = t.check
	t.content = container.NewVBox(widget.NewLabel(lang.L("Tester le lecteur de codes USB :")), t.entry, t.result)
	return t
}

// check reads what the scanner typed and says what to do.
func (t *scannerTest) check(text string) {
	t.entry.SetText("")
	scan := app.ParseScan(text)
	switch {
	case !scan.OK() || scan.Format == app.ScanRawToken:
		t.result.Importance = widget.DangerImportance
		t.result.SetText(lang.L("Ce code n'est pas un QR code pass Culture lisible : scannez le QR code d'une réservation (PASSCULTURE:…)."))
	case scan.Layout == app.LayoutQwertyOnAzerty:
		t.result.Importance = widget.WarningImportance
		t.result.SetText(lang.L("Le lecteur tape en QWERTY alors que ce poste est en AZERTY. Guichet relit ses codes, mais réglez-le en « French AZERTY » (code de configuration dans sa notice) pour qu'il écrive juste partout."))
	case scan.Layout == app.LayoutAzertyOnQwerty:
		t.result.Importance = widget.WarningImportance
		t.result.SetText(lang.L("Le lecteur tape en AZERTY alors que ce poste est en QWERTY. Guichet relit ses codes, mais réglez-le en « US QWERTY » (code de configuration dans sa notice) pour qu'il écrive juste partout."))
	default:
		t.result.Importance = widget.SuccessImportance
		t.result.SetText(lang.L("Le lecteur tape comme ce poste : rien à régler."))
	}
	t.result.Refresh()
}
