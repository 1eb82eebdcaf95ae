"use server";
/**
 * Audience Studio's server actions: each one authenticates, validates and audits through
 * defineAction (lib/auth/guard.ts); ownership is checked by the domain functions.
 */
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { createParentSegment, deleteParentSegment, updateParentSegment } from "@/lib/audiences/parent-segments";
import { createFolder, createSegment, deleteFolder, deleteSegment, segmentPopulation, updateSegment } from "@/lib/audiences/segments";
import { createActivation, deleteActivation, previewMapping, runActivation, updateActivation } from "@/lib/audiences/activations";
import {
  activationInputSchema,
  folderInputSchema,
  idSchema,
  mappingPreviewSchema,
  parentSegmentInputSchema,
  populationInputSchema,
  segmentInputSchema,
  updateActivationSchema,
  updateParentSegmentSchema,
  updateSegmentSchema,
} from "@/lib/audiences/schemas";

const refresh = () => revalidatePath("/audiences", "layout");

export const createParentSegmentAction = defineAction(
  { schema: parentSegmentInputSchema },
  async (input, user) => {
    const created = await createParentSegment(user, input);
    refresh();
    return { id: created.id, name: created.name };
  },
  (_input, created) => ({ action: "parent_segment.create", targetType: "parent_segment", targetId: String(created.id), details: { name: created.name } }),
);

export const updateParentSegmentAction = defineAction(
  { schema: updateParentSegmentSchema },
  async ({ id, ...input }, user) => {
    const updated = await updateParentSegment(user, id, input);
    refresh();
    return { id: updated.id, name: updated.name };
  },
  (_input, updated) => ({ action: "parent_segment.update", targetType: "parent_segment", targetId: String(updated.id), details: { name: updated.name } }),
);

export const deleteParentSegmentAction = defineAction(
  { schema: idSchema },
  async ({ id }, user) => {
    const deleted = await deleteParentSegment(user, id);
    refresh();
    return { id: deleted.id, name: deleted.name };
  },
  (_input, deleted) => ({ action: "parent_segment.delete", targetType: "parent_segment", targetId: String(deleted.id), details: { name: deleted.name } }),
);

export const createFolderAction = defineAction(
  { schema: folderInputSchema },
  async (input, user) => {
    const folder = await createFolder(user, input);
    refresh();
    return folder;
  },
  (input, folder) => ({ action: "segment_folder.create", targetType: "segment_folder", targetId: String(folder.id), details: { name: folder.name, parentSegmentId: input.parentSegmentId } }),
);

export const deleteFolderAction = defineAction(
  { schema: idSchema },
  async ({ id }, user) => {
    const folder = await deleteFolder(user, id);
    refresh();
    return folder;
  },
  (_input, folder) => ({ action: "segment_folder.delete", targetType: "segment_folder", targetId: String(folder.id), details: { name: folder.name } }),
);

export const createSegmentAction = defineAction(
  { schema: segmentInputSchema },
  async (input, user) => {
    const segment = await createSegment(user, input);
    refresh();
    return { id: segment.id, name: segment.name };
  },
  (_input, segment) => ({ action: "segment.create", targetType: "segment", targetId: String(segment.id), details: { name: segment.name } }),
);

export const updateSegmentAction = defineAction(
  { schema: updateSegmentSchema },
  async (input, user) => {
    const segment = await updateSegment(user, input);
    refresh();
    return { id: segment.id, name: segment.name };
  },
  (_input, segment) => ({ action: "segment.update", targetType: "segment", targetId: String(segment.id), details: { name: segment.name } }),
);

export const deleteSegmentAction = defineAction(
  { schema: idSchema },
  async ({ id }, user) => {
    const segment = await deleteSegment(user, id);
    refresh();
    return { id: segment.id, name: segment.name, parentSegmentId: segment.parentSegmentId };
  },
  (_input, segment) => ({ action: "segment.delete", targetType: "segment", targetId: String(segment.id), details: { name: segment.name } }),
);

/** The live population count while rules are edited (read-only: not audited). */
export const segmentPopulationAction = defineAction({ schema: populationInputSchema }, async (input, user) => segmentPopulation(user, input));

/** The mapping preview before Create (read-only: not audited). */
export const previewMappingAction = defineAction({ schema: mappingPreviewSchema }, async (input, user) => previewMapping(user, input));

export const createActivationAction = defineAction(
  { schema: activationInputSchema },
  async (input, user) => {
    const activation = await createActivation(user, input);
    refresh();
    return { id: activation.id, name: activation.name, segmentId: activation.segmentId };
  },
  (_input, activation) => ({ action: "activation.create", targetType: "activation", targetId: String(activation.id), details: { name: activation.name, segmentId: activation.segmentId } }),
);

export const updateActivationAction = defineAction(
  { schema: updateActivationSchema },
  async (input, user) => {
    const activation = await updateActivation(user, input);
    refresh();
    return { id: activation.id, name: activation.name, segmentId: activation.segmentId };
  },
  (_input, activation) => ({ action: "activation.update", targetType: "activation", targetId: String(activation.id), details: { name: activation.name } }),
);

export const deleteActivationAction = defineAction(
  { schema: idSchema },
  async ({ id }, user) => {
    const activation = await deleteActivation(user, id);
    refresh();
    return { id: activation.id, name: activation.name, segmentId: activation.segmentId };
  },
  (_input, activation) => ({ action: "activation.delete", targetType: "activation", targetId: String(activation.id), details: { name: activation.name } }),
);

export const runActivationAction = defineAction(
  { schema: idSchema },
  async ({ id }, user) => {
    const job = await runActivation(user, id);
    refresh();
    return { jobId: job.id };
  },
  (input, job) => ({ action: "activation.run", targetType: "activation", targetId: String(input.id), details: { jobId: job.jobId } }),
);
