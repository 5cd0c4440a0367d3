import QRCode from 'qrcode';

/**
 * The QR code of a receipt's check link, as SVG markup made here (no image request, nothing
 * from elsewhere). Hidden from screen readers: the link itself is printed beside it.
 */
export async function receiptQrSvg(checkUrl: string): Promise<string> {
  const svg = await QRCode.toString(checkUrl, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
  return svg.replace('<svg ', '<svg aria-hidden="true" focusable="false" class="qr" ');
}
