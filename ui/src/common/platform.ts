//! The operating system the window runs on, from the web view's user agent: WebView2 on Windows
//! says "Windows NT", WKWebView on macOS "Macintosh", WebKitGTK "X11; Linux".
export type Platform = 'windows' | 'macos' | 'linux';

export function platformOf(userAgent: string): Platform {
  if (/Windows/i.test(userAgent)) return 'windows';
  if (/Macintosh|Mac OS X/i.test(userAgent)) return 'macos';
  return 'linux';
}
