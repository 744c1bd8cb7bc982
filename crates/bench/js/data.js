// Deterministic, survey-like test data shared by every implementation of the benchmark
// (the app through crates/bench/web, the plain-JS baseline and Dexie), so all three store
// exactly the same field values.

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢";
const GIVEN = "海波涛洋渔帆舟岛湾港明华建国军平伟强勇杰磊敏静丽芳燕红霞玲英秀兰春梅桂珍";
const VILLAGES = ["东沙村", "岱西村", "岱东村", "长涂社区", "衢山村", "秀山村", "高亭社区", "北峰村"];
const BRANCHES = ["b-dongsha", "b-daixi", "b-daidong", "b-changtu", "b-qushan", "b-xiushan"];
const EMPLOYMENT = ["fishery", "agriculture", "enterprise_staff", "enterprise_owner", "individual_business", "retired"];
const CATEGORIES = ["village_leader", "enterprise_post", "business_household", "service_post"];
const LEVELS = ["high", "medium", "low", "none"];
const PHRASES = [
  "近年从事近海捕捞，拥有渔船一艘",
  "带动周边群众发展海水养殖",
  "经营民宿和海鲜餐饮，旺季游客较多",
  "有意扩大冷链物流规模，缺少启动资金",
  "掌握大黄鱼深水网箱养殖技术",
  "参加过镇里组织的电商培训",
  "愿意结对帮带两名年轻党员",
  "希望村里协调滩涂承包经营权",
];

/** Small seeded PRNG (mulberry32): the same seed gives the same data in every run. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (next, list) => list[Math.floor(next() * list.length)];

/** A version-4 UUID string drawn from `next`. */
export function uuid(next) {
  const hex = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(next() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function name(next) {
  const len = next() < 0.7 ? 2 : 1;
  let given = "";
  for (let i = 0; i < len; i++) given += pick(next, GIVEN);
  return pick(next, SURNAMES) + given;
}

function sentence(next, parts) {
  const out = [];
  for (let i = 0; i < parts; i++) out.push(pick(next, PHRASES));
  return out.join("；") + "。";
}

/**
 * `n` survey edits: `{id, branch_id, fields}` where `fields` maps a survey field name to its
 * value. Stored by the app as a `Record` (fields + per-field clock meta), about 1.3 KB.
 */
export function surveyInputs(n, seed = 1) {
  const next = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: uuid(next),
      branch_id: pick(next, BRANCHES),
      fields: {
        person_id: uuid(next),
        surveyor: name(next),
        surveyed_at: `2025-03-${String(1 + (i % 28)).padStart(2, "0")}T09:30:00`,
        status: "draft",
        employment: pick(next, EMPLOYMENT),
        employment_detail: sentence(next, 2),
        potential_level: pick(next, LEVELS),
        notes: sentence(next, 3),
      },
    });
  }
  return out;
}

/** `n` party members `{id, branch_id, fields}` as the people import brings them in. */
export function peopleInputs(n, seed = 2) {
  const next = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const branch = pick(next, BRANCHES);
    out.push({
      id: uuid(next),
      branch_id: branch,
      fields: {
        name: name(next),
        gender: next() < 0.6 ? "male" : "female",
        birth_year: 1950 + Math.floor(next() * 50),
        phone: "13" + String(Math.floor(next() * 1e9)).padStart(9, "0"),
        branch_id: branch,
        village_unit: pick(next, VILLAGES),
        category: pick(next, CATEGORIES),
        notes: "",
      },
    });
  }
  return out;
}

/** The name query the search benchmark types (a common surname: many matches). */
export const SEARCH_QUERY = "王海";
