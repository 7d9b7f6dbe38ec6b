// The cashier page behind a scan-code pay URL: what the patient would see after scanning the QR code. Plain HTML
// forms (no script) with stable ids (#pay, #decline, #status) so people and browser tests can use it alike.
import type { LatePayment } from './his';
import type { Order } from './ledger';

const STATUS_TEXT: Record<string, string> = {
  wait_pay: '待支付 Waiting for payment',
  pay_success: '支付成功 Paid',
  pay_failed: '支付失败 Declined',
  closed: '已关闭 Closed',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}.amount{font-size:2rem;font-weight:600;margin:.5rem 0}.row{display:flex;gap:.75rem;margin:1rem 0}
button{font-size:1.1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #888;cursor:pointer}
#pay{background:#1677ff;color:#fff;border-color:#1677ff}button[disabled]{opacity:.4;cursor:not-allowed}
.qr{border:2px dashed #999;padding:.75rem;word-break:break-all;font-family:monospace;font-size:.8rem;background:#fafafa}
.note{color:#666;font-size:.85rem}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

function hidden(order: Order): string {
  return `<input type="hidden" name="order" value="${escapeHtml(order.outPaymentNo)}"><input type="hidden" name="t" value="${escapeHtml(order.token)}">`;
}

const LATE_TEXT: Record<string, string> = {
  checking: '平台正在询问 HIS The platform is asking the HIS',
  held: '已挂起：HIS 未能应答，稍后重新询问 Held: the HIS could not answer, asked again later',
  kept: '未退款：HIS 记录为已支付 Not refunded: the HIS has it paid',
  refunded: '已自动退款 Refunded automatically',
};

/** What the patient is told after a late or second payment: the platform's decision. */
export function lateMessage(late: LatePayment): string {
  return `${late.id} ${late.kind}: ${LATE_TEXT[late.state] ?? late.state}`;
}

/** A closed or expired order can still be paid late; a paid one a second time through another channel (spec 6). */
function lateForm(order: Order): string {
  if (order.kind !== 'scan' || (order.status !== 'closed' && order.status !== 'pay_success')) return '';
  const label =
    order.status === 'closed'
      ? '仍然支付（渠道未拦截关单）Pay anyway (late payment)'
      : '用其他渠道再付一次 Pay again through another channel';
  return `<form method="post" action="/_sandbox/cashier/late">${hidden(order)}<button id="late-pay" type="submit">${label}</button></form>`;
}

function lateList(late: readonly LatePayment[]): string {
  if (!late.length) return '';
  const items = late.map((l) => {
    const last = l.decisions[l.decisions.length - 1];
    return `<li data-late="${escapeHtml(l.id)}" data-state="${escapeHtml(l.state)}">${escapeHtml(l.id)} · ${escapeHtml(l.kind)} · ¥ ${escapeHtml(l.tradeFee)} · <strong>${escapeHtml(l.state)}</strong> ${escapeHtml(LATE_TEXT[l.state] ?? '')}${last ? `<br><span class="note">${escapeHtml(last.why)}</span>` : ''}</li>`;
  });
  return `<p>晚到/重复支付 Late and second payments:</p><ul id="late">${items.join('')}</ul>`;
}

/** The cashier page: subject, amount, status, and the two buttons while the order can still be paid. */
export function cashierPage(order: Order, message = '', late: readonly LatePayment[] = []): string {
  const open = order.status === 'wait_pay' ? '' : ' disabled';
  return page(
    `UPP 沙箱收银台 Sandbox cashier`,
    `<h1>芸泰沙箱收银台 · UPP sandbox cashier</h1>
<p id="subject">${escapeHtml(order.subject)}</p>
<p class="amount" id="amount">¥ ${escapeHtml(order.tradeFee)}</p>
<p>状态 Status: <strong id="status" data-status="${escapeHtml(order.status)}">${escapeHtml(order.status)}</strong>
 <span id="status-text">${escapeHtml(STATUS_TEXT[order.status] ?? order.status)}</span></p>
${message ? `<p id="message">${escapeHtml(message)}</p>` : ''}
<div class="row">
<form method="post" action="/_sandbox/cashier/pay">${hidden(order)}<button id="pay" type="submit"${open}>支付 Pay</button></form>
<form method="post" action="/_sandbox/cashier/decline">${hidden(order)}<button id="decline" type="submit"${open}>拒绝 Decline</button></form>
</div>
${lateForm(order)}
${lateList(late)}
<p class="note">订单 Order: ${escapeHtml(order.paymentNo)} · ${escapeHtml(order.outPaymentNo)} · ${escapeHtml(order.channelProduct)}<br>
有效期至 Expires: ${escapeHtml(order.expireTime)} (UTC+8)</p>
<p class="note">二维码内容 QR content:</p>
<div class="qr" id="qr">${escapeHtml(order.payUrl ?? '')}</div>
<p class="note">这是测试沙箱，不会产生真实交易。This is a test sandbox: no real money moves.</p>`,
  );
}

export function notFoundPage(): string {
  return page('订单不存在 Order not found', `<h1>订单不存在 · Order not found</h1><p id="status" data-status="not_found">not_found</p>`);
}
