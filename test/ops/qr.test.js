'use strict';
// upp-scancode's QR code: on the pending output with an authenticated pay URL, msg.upp.qr carries the URL as an SVG
// and a PNG data URL that decode (jsqr) to exactly msg.upp.payUrl; an answer that did not verify gets neither.
const assert = require('node:assert/strict');
const { PNG } = require('pngjs');
const jsQR = require('jsqr');
const s = require('../nodes/support');
const { helper, KEY } = s;

function decodePng(dataUrl) {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data;
}

describe('upp-scancode: the pay URL as a QR code (msg.upp.qr)', function () {
  this.timeout(20000);
  let sb;
  before(async () => {
    sb = await s.startSandbox();
  });
  after(async () => {
    await sb.close();
  });
  afterEach(() => s.unload());

  async function order(fee) {
    await s.load(s.actionFlow('upp-scancode', {}, s.configNode(sb)), s.configCredentials());
    const outs = [];
    helper.getNode('out1').on('input', (msg) => outs.push(msg));
    helper
      .getNode('n1')
      .receive({ payload: { paymentNo: s.uid('QR'), channelProduct: 'ali_scan_code', tradeFee: fee, subject: '挂号费' } });
    await s.until(() => outs.length === 1);
    return outs[0];
  }

  it('draws the authenticated pay URL as SVG and PNG, both carrying exactly that URL', async () => {
    const msg = await order('12.00');
    assert.equal(msg.upp.outcome, 'pending');
    assert.match(msg.upp.payUrl, /^https?:\/\//);
    const { qr } = msg.upp;
    assert.equal(qr.text, msg.upp.payUrl);
    assert.match(qr.svg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.match(qr.png, /^data:image\/png;base64,/);
    assert.equal(decodePng(qr.png), msg.upp.payUrl);
    // The SVG draws the same modules: rendered by the same library from the same text, its path is deterministic.
    const again = await require('qrcode').toString(msg.upp.payUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
    assert.equal(qr.svg, again);
    assert.ok(!JSON.stringify(msg).includes(KEY));
  });

  it('draws nothing for an answer whose signature did not verify (no authenticated pay URL)', async () => {
    const msg = await order('12.95'); // cents 95: the sandbox signs the answer wrongly
    assert.equal(msg.upp.outcome, 'pending');
    assert.equal(msg.upp.reason, 'bad_signature');
    assert.equal(msg.upp.payUrl, undefined);
    assert.equal(msg.upp.qr, undefined);
  });
});
