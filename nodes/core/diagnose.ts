// Turns a network-test result into words a hospital engineer can act on: wrong URL, wrong ids or key, wrong
// signature profile, or all good.
import type { Profile } from './schema';
import type { UppResult } from './operations';

export type DiagnosisCode =
  | 'ok'
  | 'profile_mismatch'
  | 'data_sign_variant'
  | 'rejected'
  | 'bad_signature'
  | 'unsigned'
  | 'wrong_url'
  | 'not_upp'
  | 'timeout'
  | 'aborted'
  | 'connection';

export interface Diagnosis {
  code: DiagnosisCode;
  en: string;
  zh: string;
}

export const NETWORK_FIELD_TEXT = '杭州恒生芸泰网络科技有限公司';

export function diagnoseNetwork(result: UppResult, profile: Profile): Diagnosis {
  const matched = typeof result.verified === 'string' ? (result.verified.split('/')[0] as Profile) : profile;
  if (matched !== profile && result.reason === 'rejected') {
    // The front-end refused our signature but its own answer verified under the other profile.
    return {
      code: 'profile_mismatch',
      en: `The key is right but the front-end uses signature profile ${matched} and refused our ${profile} signature: set the signature profile to ${matched}`,
      zh: `密钥正确，但前置机使用 ${matched} 签名规则，拒绝了我方 ${profile} 签名：请把签名规则设为 ${matched}`,
    };
  }
  if (result.outcome === 'success') {
    if (matched !== profile) {
      return {
        code: 'profile_mismatch',
        en: `Connected and the key is right, but the front-end signs with profile ${matched}: set the signature profile to ${matched}`,
        zh: `连接正常、密钥正确，但前置机使用 ${matched} 签名规则：请把签名规则设为 ${matched}`,
      };
    }
    if (result.verified && result.verified.endsWith('/no-data-sign')) {
      return {
        code: 'data_sign_variant',
        en: 'Connected and signatures match (this front-end leaves data.sign out of its signature; keep verification on auto)',
        zh: '连接正常，签名一致（该前置机签名不含 data.sign，请保持自动验签）',
      };
    }
    return { code: 'ok', en: 'Connected: the platform accepted our signature and its answer verified', zh: '连接正常：平台接受了我方签名，应答验签通过' };
  }
  const msg = result.envelope?.msg ? ` (${result.envelope.msg})` : '';
  switch (result.reason) {
    case 'rejected':
      return {
        code: 'rejected',
        en: `The front-end answered but refused the request${msg}: check isvId, partnerId, the key and the signature profile`,
        zh: `前置机拒绝了请求${msg}：请检查 isvId、partnerId、密钥和签名规则`,
      };
    case 'bad_signature':
      return {
        code: 'bad_signature',
        en: "The front-end answered but its signature does not match our key under any profile: the key is probably wrong",
        zh: '前置机有应答，但在任何签名规则下都与我方密钥不符：密钥可能有误',
      };
    case 'unsigned':
      return { code: 'unsigned', en: `The front-end answered without a signature${msg}`, zh: `前置机应答未签名${msg}` };
    case 'http_status':
      return {
        code: 'wrong_url',
        en: `The server answered ${result.detail ?? 'an HTTP error'}: check the base URL and its path prefix`,
        zh: `服务器返回 ${result.detail ?? 'HTTP 错误'}：请检查地址及路径前缀`,
      };
    case 'unparsable':
      return { code: 'not_upp', en: 'The server answered with something that is not a UPP JSON answer: is this the front-end machine?', zh: '服务器的应答不是 UPP JSON 报文：该地址是否为前置机？' };
    case 'aborted':
      return { code: 'aborted', en: 'The network test was cancelled (redeploy or shutdown) before an answer came', zh: '网络测试在收到应答前被取消（重新部署或停止）' };
    case 'timeout':
      return { code: 'timeout', en: 'The front-end did not answer in time', zh: '前置机未在超时时间内应答' };
    default:
      return { code: 'connection', en: `The connection failed (${result.detail ?? result.reason})`, zh: `连接失败（${result.detail ?? result.reason}）` };
  }
}
