package web

import "strings"

// deviceName describes a browser's User-Agent in words a person recognises
// ("Firefox on a Mac"), for the list of signed-in devices. Only the common
// browsers and systems are named; anything else is "a browser" or "another
// device", never the raw string, which means nothing to most people.
func deviceName(ua string) string {
	return browserName(ua) + " on " + systemName(ua)
}

// The order matters: Edge and Opera also say Chrome; Chrome also says Safari.
var browsers = []struct{ token, name string }{
	{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
	{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
	{"FxiOS/", "Firefox"}, {"Firefox/", "Firefox"},
	{"CriOS/", "Chrome"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"},
	{"Safari/", "Safari"},
	{"curl/", "curl"},
}

func browserName(ua string) string {
	for _, b := range browsers {
		if strings.Contains(ua, b.token) {
			return b.name
		}
	}
	return "A browser"
}

var systems = []struct{ token, name string }{
	{"iPhone", "an iPhone"}, {"iPad", "an iPad"}, {"Android", "Android"},
	{"CrOS", "a Chromebook"}, {"Windows", "Windows"}, {"Macintosh", "a Mac"}, {"Mac OS X", "a Mac"},
	{"Linux", "Linux"},
}

func systemName(ua string) string {
	for _, s := range systems {
		if strings.Contains(ua, s.token) {
			return s.name
		}
	}
	return "another device"
}
