// The pay URL of a scan-code order as a QR code the patient scans, drawn by the `qrcode` package: an SVG string
// (for a page) and a PNG data URL (for an <img> or a printer). Only for a pay URL that authenticated (msg.upp.payUrl).
// A QR that cannot be drawn never costs the order: the message still leaves by "pending", with the reason instead.

export interface PayQr {
  /** The URL the code carries (msg.upp.payUrl). */
  text: string;
  svg?: string;
  /** data:image/png;base64,... */
  png?: string;
  /** Why no code was drawn (a URL too long for a QR code). */
  error?: string;
}

interface QrCodeLib {
  toString(text: string, options: Record<string, unknown>): Promise<string>;
  toDataURL(text: string, options: Record<string, unknown>): Promise<string>;
}

let lib: QrCodeLib | undefined;

/** Medium error correction (15 %) and the 4-module quiet zone the QR standard asks for, so phone cameras read it. */
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 };

export async function payQr(url: string): Promise<PayQr> {
  // Loaded on first use: Node-RED pays nothing for it until a scan-code order is made.
  lib ??= require('qrcode') as QrCodeLib;
  try {
    const [svg, png] = await Promise.all([
      lib.toString(url, { ...OPTIONS, type: 'svg' }),
      lib.toDataURL(url, { ...OPTIONS, type: 'image/png', scale: 6 }),
    ]);
    return { text: url, svg, png };
  } catch (err) {
    return { text: url, error: err instanceof Error ? err.message : String(err) };
  }
}
