package server

import (
	"reflect"
	"strings"
	"time"

	"guichet/app"
)

// fieldLimits are the length limits of JSON text fields, by field name; a field not listed
// gets app.MaxDefaultTextLength. Domain validation may be stricter.
var fieldLimits = map[string]int{
	"name":         app.MaxNameLength, // the longest name (venue, offerer); an offer's title is checked at 90 by its validation
	"description":  app.MaxDescriptionLength,
	"address":      app.MaxAddressLength,
	"city":         app.MaxCityLength,
	"postalCode":   app.MaxPostalCodeLength,
	"firstName":    app.MaxPersonNameLength,
	"lastName":     app.MaxPersonNameLength,
	"bookingEmail": app.MaxEmailLength,
	"imageUrl":     app.MaxURLLength,
	"version":      2,
	"priceLabel":   app.MaxPriceLabelLength,
	"label":        app.MaxBankLabelLength,
	"iban":         42, // 34 characters, spaces allowed
	"bic":          11,
	"theaterId":    app.MaxExternalIDLength,
	"email":        app.MaxEmailLength,
	"password":     app.MaxPasswordLength,
	"device":       app.MaxDeviceLength,
	"nonce":        64,
	"token":        64,
	"kind":         8,
	"mode":         8,
	"scannedAt":    40,
	"localVerdict": 40,
	"role":         16,
}

// multilineFields may hold line breaks and tabs.
var multilineFields = map[string]bool{"description": true}

// Dates a request may carry: a showtime or a booking limit within this range.
var (
	minDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// sane checks every field of a decoded request body: text is valid UTF-8 without control
// characters (NUL included) and within its length limit, dates are within 2000–2100. The
// error names the field.
func sane(v any) error {
	return saneValue(reflect.ValueOf(v), "")
}

func saneValue(v reflect.Value, field string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return saneValue(v.Elem(), field)
	case reflect.String:
		limit, ok := fieldLimits[field]
		if !ok {
			limit = app.MaxDefaultTextLength
		}
		return app.CheckText(field, v.String(), limit, multilineFields[field])
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := saneValue(v.Index(i), field); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := saneValue(it.Value(), field); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			if t.Before(minDate) || !t.Before(maxDate) {
				return app.FieldError(field, "La date du champ "+field+" doit être comprise entre 2000 et 2099.")
			}
			return nil
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("sanity") == "-" { // "-": checked item by item by the handler
				continue
			}
			name := field // untagged fields (Optional's Value) keep their parent's name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				name = tag
			}
			if f.Anonymous {
				name = field
			}
			if err := saneValue(v.Field(i), name); err != nil {
				return err
			}
		}
	}
	return nil
}
