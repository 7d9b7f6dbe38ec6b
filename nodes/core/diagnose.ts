// Turns a network-test result into words a hospital engineer can act on: wrong URL, wrong edition, wrong ids or key,
// wrong signature profile or variant, or all good (with warnings for what is odd but not broken).
import type { PathStyle, Profile } from './schema';
import { parseVariant, variantName, type Variant } from './codec/canonical';
import type { ResolvedOptions } from './options';
import type { UppResult } from './operations';

export type DiagnosisCode =
  | 'ok'
  | 'wrong_edition'
  | 'profile_mismatch'
  | 'sign_variant'
  | 'data_sign_variant'
  | 'rejected'
  | 'bad_signature'
  | 'unsigned'
  | 'wrong_url'
  | 'not_upp'
  | 'timeout'
  | 'aborted'
  | 'connection';

export interface DiagnosisWarning {
  code: 'field_text' | 'sign_variant' | 'data_sign_variant';
  en: string;
  zh: string;
}

export interface Diagnosis {
  code: DiagnosisCode;
  en: string;
  zh: string;
  /** Odd but not broken (the test text differs, answers verify under another variant): shown, never a failure. */
  warnings?: DiagnosisWarning[];
}

/** What the query paths of the two path families answered (client.ts #probeEdition). */
export interface EditionProbe {
  configured: PathStyle;
  configuredStatus?: number;
  other?: PathStyle;
  otherStatus?: number;
}

export const NETWORK_FIELD_TEXT = '杭州恒生芸泰网络科技有限公司';

type DiagnosisOptions = Pick<ResolvedOptions, 'profile'> & Partial<Pick<ResolvedOptions, 'edition' | 'verifyVariant' | 'dataSignUnsigned'>>;

/** The request profile a front-end whose answers verify under `profile` most likely expects. */
const requestProfileFor = (profile: string): Profile => (profile === 'v1' ? 'v1' : 'v2'); // v2-mixed: HIS manual V2.3 types requests

/** `wrong_edition` when the configured edition's query path is 404 and the other family's is not. */
export function diagnoseEdition(probe: EditionProbe | undefined, options: DiagnosisOptions): Diagnosis | undefined {
  if (!probe || probe.configuredStatus !== 404 || probe.other === undefined || probe.otherStatus === undefined || probe.otherStatus === 404)
    return undefined;
  const configured = options.edition ?? '1.0';
  if (probe.other === 'v2') {
    return {
      code: 'wrong_edition',
      en: `This front-end serves edition 2.x paths (scanCode, barCode, paymentQuery); edition ${configured} uses scancode, barcode, query, which answer 404: set edition to the front-end's manual (2.0, 2.1, 2.2 or 2.3)`,
      zh: `该前置机使用 2.x 版接口路径（scanCode、barCode、paymentQuery）；当前版本 ${configured} 的路径（scancode、barcode、query）返回 404：请按前置机手册设置版本（2.0、2.1、2.2 或 2.3）`,
    };
  }
  return {
    code: 'wrong_edition',
    en: `This front-end serves edition 1.0 paths (scancode, barcode, query); edition ${configured} uses scanCode, barCode, paymentQuery, which answer 404: set edition to 1.0`,
    zh: `该前置机使用 1.0 版接口路径（scancode、barcode、query）；当前版本 ${configured} 的路径（scanCode、barCode、paymentQuery）返回 404：请把版本设为 1.0`,
  };
}

function warningsFor(result: UppResult, options: DiagnosisOptions): DiagnosisWarning[] {
  const warnings: DiagnosisWarning[] = [];
  const field = result.data?.field;
  if (field !== NETWORK_FIELD_TEXT) {
    const got = typeof field === 'string' ? JSON.stringify(field.slice(0, 60)) : 'nothing';
    warnings.push({
      code: 'field_text',
      en: `The front-end's test text (data.field) is ${got}, not the fixed "${NETWORK_FIELD_TEXT}": is this the UPP front-end machine, and does it send UTF-8?`,
      zh: `前置机的测试字符串（data.field）为 ${got}，不是固定的"${NETWORK_FIELD_TEXT}"：该地址是否为芸泰前置机？编码是否为 UTF-8？`,
    });
  }
  const verified = typeof result.verified === 'string' ? parseVariant(result.verified) : undefined;
  const configured = options.verifyVariant ? variantName(options.verifyVariant) : options.profile;
  if (verified && typeof result.verified === 'string' && result.verified !== configured) {
    warnings.push({
      code: 'sign_variant',
      en: `The front-end's answers verify under variant ${result.verified}, not the configured ${configured}: verification on auto accepts it; to verify strictly, set the verification variant to ${result.verified}`,
      zh: `前置机应答按 ${result.verified} 方式验签通过，而非配置的 ${configured}：自动验签可以接受；如需严格验签，请把验签方式设为 ${result.verified}`,
    });
  }
  return warnings;
}

export function diagnoseNetwork(result: UppResult, optionsOrProfile: DiagnosisOptions | Profile, probe?: EditionProbe): Diagnosis {
  const options: DiagnosisOptions = typeof optionsOrProfile === 'string' ? { profile: optionsOrProfile } : optionsOrProfile;
  const profile = options.profile;
  const variant = typeof result.verified === 'string' ? parseVariant(result.verified) : undefined;
  const wanted = variant ? requestProfileFor(variant.profile) : profile;
  const edition = diagnoseEdition(probe, options);
  if (edition) return edition;
  if (wanted !== profile && result.reason === 'rejected') {
    // The front-end refused our signature but its own answer verified under the other profile.
    return {
      code: 'profile_mismatch',
      en: `The key is right but the front-end uses signature profile ${wanted} and refused our ${profile} signature: set the signature profile to ${wanted}`,
      zh: `密钥正确，但前置机使用 ${wanted} 签名规则，拒绝了我方 ${profile} 签名：请把签名规则设为 ${wanted}`,
    };
  }
  if (result.outcome === 'success') return connectedDiagnosis(result, variant, options);
  return failureDiagnosis(result);
}

/**
 * Our requests were accepted: an answer signed under another profile or variant is a remark (a warning), not a
 * reason to change the request profile.
 */
function connectedDiagnosis(result: UppResult, variant: Variant | undefined, options: DiagnosisOptions): Diagnosis {
  const warnings = warningsFor(result, options);
  if (variant && !variant.dataSign) {
    const trusted = options.dataSignUnsigned === true;
    return {
      code: 'data_sign_variant',
      en: `Connected and signatures match, but this front-end leaves data.sign (the scan-code pay URL) out of its signature: keep verification on auto; ${trusted ? 'pay URLs are trusted because "front-end does not sign data.sign" is set' : 'pay URLs stay unauthenticated unless "front-end does not sign data.sign" is set'}`,
      zh: `连接正常，签名一致，但该前置机签名不含 data.sign（扫码支付 URL）：请保持自动验签；${trusted ? '已设置"前置机不签 data.sign"，支付 URL 按可信处理' : '未设置"前置机不签 data.sign"时，支付 URL 不被视为已验证'}`,
      warnings: warnings.length ? warnings : undefined,
    };
  }
  const ok: Diagnosis = {
    code: 'ok',
    en: 'Connected: the platform accepted our signature and its answer verified',
    zh: '连接正常：平台接受了我方签名，应答验签通过',
  };
  if (warnings.length) ok.warnings = warnings;
  return ok;
}

/** No accepted answer: what the reason says about the connection settings. */
function failureDiagnosis(result: UppResult): Diagnosis {
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
        en: 'The front-end answered but its signature does not match our key under any profile: the key is probably wrong',
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
      return {
        code: 'not_upp',
        en: 'The server answered with something that is not a UPP JSON answer: is this the front-end machine?',
        zh: '服务器的应答不是 UPP JSON 报文：该地址是否为前置机？',
      };
    case 'aborted':
      return {
        code: 'aborted',
        en: 'The network test was cancelled (redeploy or shutdown) before an answer came',
        zh: '网络测试在收到应答前被取消（重新部署或停止）',
      };
    case 'timeout':
      return { code: 'timeout', en: 'The front-end did not answer in time', zh: '前置机未在超时时间内应答' };
    default:
      return {
        code: 'connection',
        en: `The connection failed (${result.detail ?? result.reason})`,
        zh: `连接失败（${result.detail ?? result.reason}）`,
      };
  }
}
