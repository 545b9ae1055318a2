export { buildSiteChecklist, checklistText, checkRegion, REFERENCES, ruleService, type SiteChecklist, type SiteRule } from './checklist';
export { siteChecklistForArchive, siteChecklistForNetwork } from './sources';
