// The CloudFormation side of `make review`: the AWS CDK's own template differ
// (@aws-cdk/cloudformation-diff, the library behind `cdk diff`), as JSON for gateway_stack.review.
//
// Input (stdin): [{"stack": name, "base": path or null, "head": path or null}, ...]
//   null: the stack is not in that assembly (an empty template stands in for it).
// Output (stdout): one object per stack, in the same order:
//   {stack, resources: [{logicalId, oldType, newType, impact, path,
//                        properties: [{name, impact, old, new}], other: [name, ...]}],
//    parameters, outputs: [{name, change, type, default}], iamStatements, iamManagedPolicies,
//    securityGroups: [[cell, ...], ...] (the differ's own summary rows, header first),
//    permissionsBroadened}
'use strict';

const fs = require('fs');
const { fullDiff } = require('@aws-cdk/cloudformation-diff');

function load(path) {
  return path ? JSON.parse(fs.readFileSync(path, 'utf8')) : {};
}

function change(difference) {
  if (difference.isAddition) return 'added';
  if (difference.isRemoval) return 'removed';
  return 'changed';
}

function named(collection) {
  const out = [];
  collection.forEachDifference((name, difference) => {
    const value = difference.newValue || difference.oldValue || {};
    out.push({ name, change: change(difference), type: value.Type || null, default: value.Default === undefined ? null : value.Default });
  });
  return out;
}

function cdkPath(resource) {
  return resource && resource.Metadata ? resource.Metadata['aws:cdk:path'] || null : null;
}

function resourceChanges(diff) {
  const out = [];
  diff.resources.forEachDifference((logicalId, difference) => {
    const properties = [];
    const other = [];
    difference.forEachDifference((kind, name, value) => {
      if (kind === 'Property') {
        properties.push({
          name,
          impact: value.changeImpact || 'WILL_UPDATE',
          old: value.oldValue === undefined ? null : value.oldValue,
          new: value.newValue === undefined ? null : value.newValue,
        });
      } else {
        other.push(name);
      }
    });
    out.push({
      logicalId,
      oldType: difference.oldResourceType || null,
      newType: difference.newResourceType || null,
      impact: difference.changeImpact,
      path: cdkPath(difference.newValue) || cdkPath(difference.oldValue),
      properties,
      other,
    });
  });
  return out;
}

function main() {
  const jobs = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = jobs.map((job) => {
    const diff = fullDiff(load(job.base), load(job.head));
    return {
      stack: job.stack,
      resources: resourceChanges(diff),
      parameters: named(diff.parameters),
      outputs: named(diff.outputs),
      iamStatements: diff.iamChanges.hasChanges ? diff.iamChanges.summarizeStatements() : [],
      iamManagedPolicies: diff.iamChanges.hasChanges ? diff.iamChanges.summarizeManagedPolicies() : [],
      securityGroups: diff.securityGroupChanges.hasChanges ? diff.securityGroupChanges.summarize() : [],
      permissionsBroadened: diff.permissionsBroadened,
    };
  });
  process.stdout.write(JSON.stringify(results));
}

main();
